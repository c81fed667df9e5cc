// Works every time, with a little progress to watch.
export default async function steady(input, ctx) {
  for (let i = 1; i <= 10; i++) {
    await new Promise((r) => setTimeout(r, 50));
    ctx.progress(i, 10, `step ${i}/10`);
  }
  return { records: 100, summary: `region ${input.value} is steady` };
}

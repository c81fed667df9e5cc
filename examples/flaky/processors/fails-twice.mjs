// Fails on its first two attempts and succeeds on the third (attempts are isolated, so it counts ctx.attempt).
export default async function failsTwice(_input, ctx) {
  ctx.log(`attempt ${ctx.attempt}`);
  await new Promise((r) => setTimeout(r, 100));
  if (ctx.attempt <= 2) throw new Error(`transient failure on attempt ${ctx.attempt} (upstream service returned 503)`);
  return { records: 42, summary: `succeeded on attempt ${ctx.attempt}` };
}

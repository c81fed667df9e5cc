// Fails on every automatic attempt (the first one and its 2 retries) and succeeds once a person retries it:
// the material for the Retry button.
export default async function needsAHand(_input, ctx) {
  ctx.progress(1, 2, 'calling the billing API');
  await new Promise((r) => setTimeout(r, 100));
  if (ctx.attempt <= 3) throw new Error(`billing API rejected the credentials (attempt ${ctx.attempt}); fix them, then retry`);
  return { records: 7, summary: `succeeded on attempt ${ctx.attempt}, after a manual retry` };
}

// Fails every time: retrying does not help, skipping does.
export default async function alwaysFails(input, ctx) {
  ctx.progress(1, 2, 'parsing');
  throw new Error('malformed record at line 17: expected 5 fields, got 3');
}

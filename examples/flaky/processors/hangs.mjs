// Never finishes: reports some progress, then waits forever. Its timeout aborts it (and the worker is stopped).
export default async function hangs(_input, ctx) {
  ctx.progress(1, 3, 'connecting to a server that never answers');
  console.log('waiting for a response…');
  await new Promise(() => {});
}

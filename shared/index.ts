export * from './states.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './snapshot.ts';
export * from './job-schema.ts';
export * from './dag.ts';
export * from './apply-event.ts';

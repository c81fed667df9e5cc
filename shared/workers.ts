/** The remote worker that ran an attempt (absent on an attempt: it ran on the coordinator's machine). */
export interface WorkerRef {
  /** `dproc worker --name`, unique among the live workers of a queue. */
  name: string;
  host: string;
  pid: number;
}

/** A live `dproc worker`, as `dproc workers` and the app's Workers panel list it. */
export interface WorkerInfo extends WorkerRef {
  queue: string;
  isolation: string;
  concurrency: number;
  /** Attempts running on it now. */
  busy: number;
  /** Attempts it has finished (succeeded or failed) since it started. */
  attemptsDone: number;
  startedAt: number;
  /** Epoch ms of its last heartbeat. */
  lastHeartbeat: number;
}

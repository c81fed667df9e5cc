import type { CommandName } from '../../../shared/contract.ts';

/**
 * Every command of the contract, by name. Kept here (not COMMAND_NAMES) so the renderer bundle does not
 * pull in zod; `satisfies` makes tsc fail when this list and shared/contract.ts disagree.
 */
const COMMANDS = {
  listJobs: true,
  validateJob: true,
  startRun: true,
  listRuns: true,
  getSnapshot: true,
  previewControl: true,
  retryTask: true,
  skipTask: true,
  cancelTask: true,
  retryAllFailed: true,
  cancelRun: true,
  resumeRun: true,
  getTaskLogs: true,
  getTaskOutput: true,
  subscribe: true,
  unsubscribe: true,
} as const satisfies Record<CommandName, true>;

export const COMMAND_LIST = Object.keys(COMMANDS) as CommandName[];

import type { Node } from '@xyflow/react';

export type TaskFlowNode = Node<{ taskId: string }, 'task'>;
// 'tiles', not 'group': React Flow's built-in 'group' type brings its own wrapper styles.
export type GroupFlowNode = Node<{ group: string; members: string[]; columns: number }, 'tiles'>;
export type FrameFlowNode = Node<{ group: string; members: string[] }, 'frame'>;
export type DagFlowNode = TaskFlowNode | GroupFlowNode | FrameFlowNode;

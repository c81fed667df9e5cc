/** Messages between the DAG view and its layout worker (discriminated, readonly). */

export type LayoutRequest = Readonly<{
  type: 'layout';
  id: number;
  nodes: readonly { id: string; width: number; height: number }[];
  edges: readonly { id: string; source: string; target: string }[];
}>;

export type LayoutReply = Readonly<
  | { type: 'layout:done'; id: number; positions: Record<string, { x: number; y: number }> }
  | { type: 'layout:failed'; id: number; message: string }
>;

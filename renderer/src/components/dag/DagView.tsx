import { Background, Controls, Panel, ReactFlow, ReactFlowProvider, type Edge, type NodeMouseHandler } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo } from 'react';
import { useApp } from '../../store/index.ts';
import type { DagFlowNode } from './flow-types.ts';
import { buildGraph } from './graph-model.ts';
import { FrameNode } from './FrameNode.tsx';
import { GroupNode } from './GroupNode.tsx';
import { TaskNode } from './TaskNode.tsx';
import { useLayout } from './use-layout.ts';

// Outside the component: a new object per render would remount every node.
const nodeTypes = { task: TaskNode, tiles: GroupNode, frame: FrameNode };
// Never magnify past 100 %: a three-task job should look like one, not fill the screen.
const FIT_VIEW = { padding: 0.08, maxZoom: 1 };

/**
 * The run's DAG. Nodes and edges come from the plan and the layout only; each node subscribes to its own
 * task, so a progress update re-renders that node and nothing else.
 */
export function DagView() {
  const plan = useApp((s) => s.snapshot?.plan);
  const runId = useApp((s) => s.snapshot?.runId);
  const expanded = useApp((s) => s.expandedGroups);
  const selectTask = useApp((s) => s.selectTask);
  const toggleGroup = useApp((s) => s.toggleGroup);

  const graph = useMemo(() => (plan && runId ? buildGraph(runId, plan.tasks, expanded) : undefined), [plan, runId, expanded]);
  const layout = useLayout(graph);

  const nodes = useMemo<DagFlowNode[]>(() => {
    if (!graph || layout.status !== 'done' || layout.key !== graph.key) return [];
    return graph.nodes.map((spec): DagFlowNode => {
      const common = {
        id: spec.id,
        position: layout.positions[spec.id] ?? { x: 0, y: 0 },
        width: spec.width,
        height: spec.height,
        draggable: false,
        connectable: false,
      };
      switch (spec.kind) {
        case 'task':
          return spec.parent
            ? { ...common, position: { x: spec.parent.x, y: spec.parent.y }, parentId: spec.parent.id, type: 'task', data: { taskId: spec.taskId } }
            : { ...common, type: 'task', data: { taskId: spec.taskId } };
        case 'group':
          return { ...common, type: 'tiles', data: { group: spec.group, members: spec.members, columns: spec.columns } };
        case 'frame':
          return { ...common, type: 'frame', data: { group: spec.group, members: spec.members } };
      }
    });
  }, [graph, layout]);

  const edges = useMemo<Edge[]>(
    () => (graph ? graph.edges.map((e) => ({ ...e, type: 'smoothstep', focusable: false, selectable: false })) : []),
    [graph],
  );

  const onNodeClick = useCallback<NodeMouseHandler<DagFlowNode>>(
    (_, node) => {
      if (node.type === 'task') selectTask(node.data.taskId);
    },
    [selectTask],
  );

  if (!graph) return null;
  return (
    <div className="dag-view" data-testid="dag-view" data-layout={layout.status}>
      {layout.status === 'pending' && <div className="dag-view__status">Laying out {graph.nodes.length} nodes…</div>}
      {layout.status === 'failed' && (
        <div className="dag-view__status error-text" role="alert">
          Layout failed: {layout.message}
        </div>
      )}
      {nodes.length > 0 && (
        <ReactFlowProvider key={graph.key}>
          <ReactFlow<DagFlowNode, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodeClick={onNodeClick}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            onlyRenderVisibleElements={nodes.length > 150}
            minZoom={0.05}
            fitView
            fitViewOptions={FIT_VIEW}
          >
            <Background gap={24} />
            <Controls showInteractive={false} />
            {Object.keys(expanded).length > 0 && (
              <Panel position="top-left" className="dag-view__expanded">
                {Object.keys(expanded).map((group) => (
                  <button key={group} type="button" data-testid={`collapse-group-${group}`} onClick={() => toggleGroup(group)}>
                    Collapse {group}
                  </button>
                ))}
              </Panel>
            )}
          </ReactFlow>
        </ReactFlowProvider>
      )}
    </div>
  );
}

import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useApp } from '../../store/index.ts';
import { formatCount } from '../common/format.ts';
import type { FrameFlowNode } from './flow-types.ts';
import { GroupSummary } from './GroupSummary.tsx';

/** The frame around a fan-out group's region nodes (which React Flow renders as its children). */
export const FrameNode = memo(function FrameNode({ data }: NodeProps<FrameFlowNode>) {
  const expandedByUser = useApp((s) => s.expandedGroups[data.group] === true);
  const toggleGroup = useApp((s) => s.toggleGroup);
  return (
    <div className="frame-node" data-testid={`dag-frame-${data.group}`} data-group={data.group}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="group-node__head">
        <span className="group-node__name">
          {data.group} <small>· {formatCount(data.members.length)} regions</small>
        </span>
        <GroupSummary members={data.members} testId={`group-counts-${data.group}`} />
        {expandedByUser && (
          <button
            type="button"
            className="group-node__toggle"
            data-testid={`collapse-frame-${data.group}`}
            onClick={(e) => {
              e.stopPropagation();
              toggleGroup(data.group);
            }}
          >
            Collapse
          </button>
        )}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

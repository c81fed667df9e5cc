import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useApp } from '../../store/index.ts';
import { formatCount } from '../common/format.ts';
import type { GroupFlowNode } from './flow-types.ts';
import { GroupSummary } from './GroupSummary.tsx';
import { RegionTile } from './RegionTile.tsx';

/** A collapsed foreach group: a grid of tiles, one per region, coloured by state; expands on demand. */
export const GroupNode = memo(function GroupNode({ data }: NodeProps<GroupFlowNode>) {
  const toggleGroup = useApp((s) => s.toggleGroup);
  return (
    <div className="group-node" data-testid={`dag-group-${data.group}`} data-group={data.group}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="group-node__head">
        <span className="group-node__name">
          {data.group} <small>· {formatCount(data.members.length)} regions</small>
        </span>
        <button
          type="button"
          className="group-node__toggle"
          data-testid={`expand-group-${data.group}`}
          onClick={(e) => {
            e.stopPropagation();
            toggleGroup(data.group);
          }}
        >
          Expand
        </button>
      </div>
      <GroupSummary members={data.members} testId={`group-counts-${data.group}`} />
      <div className="group-node__tiles" style={{ gridTemplateColumns: `repeat(${data.columns}, var(--tile-size))` }}>
        {data.members.map((id) => (
          <RegionTile key={id} taskId={id} />
        ))}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

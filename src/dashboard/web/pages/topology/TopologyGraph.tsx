// The topology drawn as SVG: every node a keyboard-reachable link to its page (external networks
// are not linked: the project cannot open them), lines for gateways, interfaces and instance ports.
import type { ReactNode } from 'react';
import { navigate } from '../../app/router';
import { useT } from '../../i18n/i18n';
import { layoutTopology, type Box } from './layout';
import { fit, measure } from './measure';
import type { Topology } from './model';

const LINE_H = 16;
const INSET = 10;

/** A node: its name (and status) on top, then its lines, each cut to the box's width; the full
 * words are in the link's title (the tooltip) and accessible name. */
function Node({ box, kind, name, href, label, lines, status }: {
  box: Box; kind: string; name: string; href?: string; label: string; lines: string[]; status?: string;
}) {
  const inner = box.w - 2 * INSET;
  // The tooltip has every line whole, whatever the box had to cut.
  const tip = [label, ...lines].join('\n');
  const shownStatus = status ? fit(status, inner / 2, 'status') : '';
  const nameRoom = inner - (shownStatus ? measure(shownStatus, 'status') + 8 : 0);
  const body = (
    <>
      <rect className="topo-box" x={box.x} y={box.y} width={box.w} height={box.h} rx={kind === 'network' || kind === 'external' ? 4 : 10} />
      <text className="topo-name" x={box.x + INSET} y={box.y + 20}>{fit(name, nameRoom, 'name')}</text>
      {shownStatus && <text className={`topo-status s-${status!.toLowerCase()}`} x={box.x + box.w - INSET} y={box.y + 20} textAnchor="end">{shownStatus}</text>}
      {lines.map((l, i) => <text key={i} className="topo-line" x={box.x + INSET} y={box.y + 38 + i * LINE_H}>{fit(l, inner, 'line')}</text>)}
    </>
  );
  return (
    <g className={`topo-node topo-${kind}`} data-kind={kind} data-name={name}>
      {href ? (
        <a href={href} aria-label={label} onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
          e.preventDefault(); navigate(href);
        }}><title>{tip}</title>{body}</a>
      ) : <g role="img" aria-label={label}><title>{tip}</title>{body}</g>}
    </g>
  );
}

export function TopologyGraph({ topology }: { topology: Topology }) {
  const t = useT();
  const layout = layoutTopology(topology, measure);
  const box = new Map(layout.boxes.map((b) => [b.id, b]));
  const nodes: ReactNode[] = [];

  for (const n of topology.externals) {
    const b = box.get(n.id)!;
    nodes.push(<Node key={n.id} box={b} kind="external" name={n.name} label={t('External network {name}', { name: n.name })}
      lines={[n.cidrs.length ? n.cidrs.join(', ') : t('External network')]} />);
  }
  for (const r of topology.routers) {
    const b = box.get(r.id)!;
    nodes.push(<Node key={r.id} box={b} kind="router" name={r.name} status={r.status} href={`/project/routers/${r.id}`}
      label={t('Router {name}', { name: r.name })}
      lines={[r.gatewayIps.length ? t('Gateway {ip}', { ip: r.gatewayIps.join(', ') }) : t('No gateway')]} />);
  }
  for (const n of topology.networks) {
    const b = box.get(n.id)!;
    const cidrs = n.cidrs.join(', ');
    nodes.push(<Node key={n.id} box={b} kind="network" name={n.name} href={`/project/networks/${n.id}`}
      label={t('Network {name} ({cidrs})', { name: n.name, cidrs: cidrs || t('no subnet') })}
      lines={[cidrs || t('No subnet')]} />);
  }
  const netName = new Map([...topology.networks, ...topology.externals].map((n) => [n.id, n.name]));
  for (const i of topology.instances) {
    const b = box.get(i.id)!;
    const lines = [
      ...i.links.flatMap((l) => l.ips.map((ip) => `${ip} · ${netName.get(l.networkId) ?? ''}`)),
      ...i.floatingIps.map((ip) => t('Floating {ip}', { ip })),
    ];
    nodes.push(<Node key={i.id} box={b} kind="instance" name={i.name} status={i.status} href={`/project/instances/${i.id}`}
      label={t('Instance {name} ({status})', { name: i.name, status: i.status })}
      lines={lines.length ? lines : [t('Not connected')]} />);
  }

  return (
    <div className="topo-scroll">
      <svg className="topo-svg" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group" aria-label={t('Network topology graph')}>
        <g aria-hidden="true">
          {layout.edges.map((e) => {
            const x1 = e.x1, y1 = e.from.y + e.from.h;
            const x2 = e.x2, y2 = e.to.y;
            const my = (y1 + y2) / 2;
            const c = e.channel;
            const d = c
              ? `M${x1},${y1} C${x1},${c.yTop} ${c.x},${y1} ${c.x},${c.yTop} L${c.x},${c.yBottom} C${c.x},${y2} ${x2},${c.yBottom} ${x2},${y2}`
              : `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}`;
            return (
              <g key={e.id} className={`topo-edge edge-${e.id.split('-')[0]}`}>
                <path d={d} />
              </g>
            );
          })}
          {/* Labels after every line, so no later line is drawn across one; the layout put each on
              its own edge, on a track where it meets no other label. */}
          {layout.edges.filter((e) => e.label).map((e) => {
            const l = e.label!, w = measure(l.text, 'edge') + 6;
            return (
              <g key={`l-${e.id}`} className={`topo-edge-label edge-${e.id.split('-')[0]}`}>
                {/* A backing card so the lines passing under the words do not run through them. */}
                <rect x={l.x - w / 2} y={l.y - 11} width={w} height={14} rx={3} />
                <text x={l.x} y={l.y} textAnchor="middle">{l.text}</text>
              </g>
            );
          })}
        </g>
        {nodes}
      </svg>
    </div>
  );
}

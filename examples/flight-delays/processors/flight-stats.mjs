// What a region and the aggregate both report, defined once: delay statistics from exact integer sums
// (so that combining regions in any order gives the same figures) and the one-line summary.

/** Minutes late that count as "delayed" (the US DOT's on-time threshold). */
export const DELAYED_MINUTES = 15;

/** Mean delay, share delayed and the busiest origin of a region's or the whole job's counts. */
export function delayStats({ flights, delayMinutes, delayed, distanceMiles, flightsByOrigin }) {
  let busiest = { airport: null, flights: 0 };
  for (const [airport, n] of Object.entries(flightsByOrigin)) {
    if (n > busiest.flights || (n === busiest.flights && airport < busiest.airport)) busiest = { airport, flights: n };
  }
  return {
    meanDelayMinutes: flights ? round(delayMinutes / flights, 2) : 0,
    shareDelayed: flights ? round(delayed / flights, 4) : 0,
    meanDistanceMiles: flights ? round(distanceMiles / flights, 1) : 0,
    busiestOrigin: busiest,
  };
}

/** `mean delay 8.3 min, 19.1% delayed > 15 min, busiest ORD (17,212)` (the CLI prints the record count before it). */
export function delaySummary(stats) {
  const busiest = stats.busiestOrigin.airport ? `, busiest ${stats.busiestOrigin.airport} (${stats.busiestOrigin.flights.toLocaleString('en-US')})` : '';
  return (
    `mean delay ${stats.meanDelayMinutes.toFixed(1)} min, ` +
    `${(stats.shareDelayed * 100).toFixed(1)}% delayed > ${DELAYED_MINUTES} min${busiest}`
  );
}

function round(n, digits) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

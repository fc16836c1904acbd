import type { BenchData } from './report';
export function tradeOffSvg(_data: BenchData, _week: string): string { return '<svg xmlns="http://www.w3.org/2000/svg"/>\n'; }

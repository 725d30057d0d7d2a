import { cpus, loadavg, release, totalmem, type } from 'node:os';

/** The machine and moment a benchmark run belongs to. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  nodeVersion: string;
  os: string;
  /** One-minute load average when the run started, which shows other work competing for the cores. */
  loadAverageAtStart: number;
  startedAt: string;
}

/** Describes this machine for the benchmark page. */
export function describeMachine(startedAt: Date): MachineInfo {
  const processors = cpus();
  return {
    cores: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryGiB: totalmem() / 2 ** 30,
    nodeVersion: process.version,
    os: `${type()} ${release()} ${process.arch}`,
    loadAverageAtStart: loadavg()[0] ?? 0,
    startedAt: startedAt.toISOString(),
  };
}

import os from 'node:os';

/** What the figures were measured on; stored with every results.json. */
export interface MachineInfo {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cores: number;
  totalMemoryGiB: number;
}

/**
 * Describes the current machine.
 *
 * @example
 * const m = machineInfo(); // { node: 'v20.20.2', cpuModel: 'AMD EPYC', cores: 2, ... }
 */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: os.platform(),
    arch: os.arch(),
    cpuModel: (cpus[0]?.model ?? 'unknown').trim(),
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
}

/**
 * One line for table captions.
 *
 * @example
 * machineLine(machineInfo()); // 'Node v20.20.2, AMD EPYC x 2 cores, linux/x64'
 */
export function machineLine(m: MachineInfo): string {
  return `Node ${m.node}, ${m.cpuModel} x ${m.cores} cores, ${m.platform}/${m.arch}`;
}

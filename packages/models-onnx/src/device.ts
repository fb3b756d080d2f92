/**
 * Where onnxruntime runs a model: the CPU, an NVIDIA GPU through CUDA, or any GPU through WebGPU —
 * onnxruntime's execution providers (`SessionOptions.executionProviders`), with an `auto` choice that
 * takes the first one that starts and says why the others did not.
 */
import { InputError, closestMatches } from '@vvs/core';
import ort from 'onnxruntime-node';

/** An execution device a caller may ask for; `auto` tries {@link AUTO_DEVICE_ORDER} in turn. */
export type Device = 'cpu' | 'cuda' | 'webgpu' | 'auto';

/** A device a session actually runs on (what `auto` resolves to). */
export type ExecutionDevice = Exclude<Device, 'auto'>;

/** Every value `--device` accepts, in the order they are listed to users. */
export const DEVICES: readonly Device[] = ['cpu', 'cuda', 'webgpu', 'auto'];

/** The device used when none is asked for: the CPU, which always works and gives reproducible numbers. */
export const DEFAULT_DEVICE: Device = 'cpu';

/** The order `auto` tries devices in: fastest first, the CPU last since it cannot fail to start. */
export const AUTO_DEVICE_ORDER: readonly ExecutionDevice[] = ['cuda', 'webgpu', 'cpu'];

/** Why a device did not start, as `auto` records it. */
export interface DeviceFallback {
  readonly device: ExecutionDevice;
  readonly reason: string;
}

/** The session a model runs in, the device it got, and the devices `auto` skipped on the way. */
export interface DeviceSession {
  readonly session: ort.InferenceSession;
  readonly device: ExecutionDevice;
  readonly fallbacks: readonly DeviceFallback[];
}

/**
 * An execution device that was asked for explicitly and cannot start; the message names what is
 * missing (the provider library, a GPU, a driver). vvs never falls back to the CPU silently.
 *
 * @example
 * throw new DeviceUnavailableError('cuda', 'no NVIDIA GPU');
 */
export class DeviceUnavailableError extends InputError {
  /** The device that was asked for. */
  readonly device: ExecutionDevice;
  /** What is missing, in words. */
  readonly reason: string;

  constructor(device: ExecutionDevice, reason: string, cause?: unknown) {
    super(`device ${device} unavailable: ${reason} (use --device cpu, or --device auto to fall back)`, { field: 'device', cause });
    this.device = device;
    this.reason = reason;
  }
}

/**
 * Parses a `--device` value; anything else raises an {@link InputError} suggesting close names.
 *
 * @example
 * parseDevice('cuda'); // 'cuda'
 * parseDevice('gpu');  // InputError: --device: expected one of cpu, cuda, webgpu, auto, got 'gpu'
 */
export function parseDevice(text: string): Device {
  if ((DEVICES as readonly string[]).includes(text)) return text as Device;
  const near = closestMatches(text, [...DEVICES]);
  const hint = near.length > 0 ? `; did you mean ${near.map((d) => `'${d}'`).join(', ')}?` : '';
  throw new InputError(`--device: expected one of ${DEVICES.join(', ')}, got '${text}'${hint}`, { field: 'device' });
}

/** Names of the providers in onnxruntime-node's binding and whether their library ships with the package. */
function supportedBackends(): ReadonlyMap<string, boolean> {
  return new Map(ort.listSupportedBackends().map((b) => [b.name, b.bundled]));
}

/**
 * Why `device` cannot start before trying it: the binding for this platform has no such provider
 * at all (onnxruntime-node ships CUDA for linux/x64 only). `undefined` when it is worth trying.
 */
function missingProvider(device: ExecutionDevice): string | undefined {
  if (device === 'cpu' || supportedBackends().has(device)) return undefined;
  return `this onnxruntime-node build (${process.platform}/${process.arch}) has no ${device} execution provider`;
}

/**
 * Turns onnxruntime's error on starting a provider into what is missing, in words; `undefined`
 * when the error is not about the device (a model onnxruntime cannot load anywhere). The patterns
 * are those onnxruntime-node 1.30 raises.
 */
function providerFailure(device: ExecutionDevice, cause: unknown): string | undefined {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (device === 'cuda') {
    // The CUDA provider is a separate library, downloaded by onnxruntime-node's install script.
    if (/Failed to load shared library/i.test(message)) {
      return (
        "cannot load onnxruntime-node's CUDA provider library (libonnxruntime_providers_cuda.so, installed with " +
        'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node) or the CUDA 12 / cuDNN 9 libraries it needs'
      );
    }
    if (/no CUDA-capable device|CUDA driver|cudaError|CUDA failure/i.test(message)) return `no usable NVIDIA GPU (${message.trim()})`;
  }
  if (device === 'webgpu' && /WebGPU adapter|wgpu|dawn/i.test(message)) {
    return `no WebGPU adapter (no GPU, or no Vulkan/Metal/D3D12 driver): ${message.slice(message.lastIndexOf(':') + 1).trim()}`;
  }
  if (/backend not found|ExecutionProvider/i.test(message)) return message.trim();
  return undefined;
}

/**
 * Creates an onnxruntime session for `bytes` on `device` — onnxruntime-node's
 * `InferenceSession.create(bytes, { executionProviders: [device] })`. `auto` tries
 * {@link AUTO_DEVICE_ORDER} and returns the first that starts with the reasons the others did not.
 * An explicit device that cannot start raises a {@link DeviceUnavailableError}; an error that is
 * not about the device (an invalid model) is rethrown as onnxruntime raised it.
 *
 * @example
 * const { device, fallbacks } = await createDeviceSession(bytes, 'auto', {});
 * device;    // 'cpu' on a machine without a GPU
 * fallbacks; // [{ device: 'cuda', reason: "cannot load onnxruntime-node's CUDA provider library …" }, …]
 */
export async function createDeviceSession(
  bytes: Uint8Array,
  device: Device,
  options: ort.InferenceSession.SessionOptions,
): Promise<DeviceSession> {
  const candidates = device === 'auto' ? AUTO_DEVICE_ORDER : [device];
  const fallbacks: DeviceFallback[] = [];
  for (const candidate of candidates) {
    const missing = missingProvider(candidate);
    if (missing === undefined) {
      try {
        const session = await ort.InferenceSession.create(bytes, { ...options, executionProviders: [candidate] });
        return { session, device: candidate, fallbacks };
      } catch (cause) {
        const reason = candidate === 'cpu' ? undefined : providerFailure(candidate, cause);
        if (reason === undefined) throw cause;
        if (device !== 'auto') throw new DeviceUnavailableError(candidate, reason, cause);
        fallbacks.push({ device: candidate, reason });
      }
    } else {
      if (device !== 'auto') throw new DeviceUnavailableError(candidate, missing);
      fallbacks.push({ device: candidate, reason: missing });
    }
  }
  // Unreachable: AUTO_DEVICE_ORDER ends with the CPU, which either starts or throws above.
  throw new Error('no execution device started');
}

/**
 * One line saying which device a model runs on and why the faster ones were skipped, for stderr.
 *
 * @example
 * describeDevice('cpu', [{ device: 'cuda', reason: 'no NVIDIA GPU' }]); // 'using cpu (cuda unavailable: no NVIDIA GPU)'
 */
export function describeDevice(device: ExecutionDevice, fallbacks: readonly DeviceFallback[]): string {
  const skipped = fallbacks.map((f) => `${f.device} unavailable: ${f.reason}`).join('; ');
  return skipped ? `using ${device} (${skipped})` : `using ${device}`;
}

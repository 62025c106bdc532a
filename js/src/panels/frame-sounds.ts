// The sounds of a panel's frames (interpolation, traversal, samples) in audio mode: asked of the
// kernel's `frame_audio` one frame at a time, kept per panel and version of its frames, so that
// scrubbing back to a frame plays it without asking again.
import { audioPlayer } from "../ui/audio-player";
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { LatestOnly } from "../wire/latest-only";
import { LruCache } from "../wire/lru";
import type { AudioClip } from "../wire/types";

/** The panels whose frames the kernel's `frame_audio` decodes. */
export type FramePanel = "interp" | "traverse" | "samples";

/** Sounds kept per panel; a frame's WAV is a few tens of kB, the bound is what counts. */
const MAX_SOUNDS = 256;
const MAX_BYTES = 32 * 1024 * 1024;

/** The cache key of frame `frame` of the `version`-th frames of `panel`. */
export function frameAudioKey(panel: FramePanel, version: number, frame: number): string {
  return `${panel}:${version}:${frame}`;
}

interface FrameAudioReply {
  panel?: string;
  frame?: number;
  sample_rate?: number;
  duration?: number;
  error?: string;
}

/** The clip of a `frame_audio` answer, or an Error saying what is wrong with it. */
export function readFrameAudio(reply: FrameAudioReply | undefined, buffers: readonly DataView[], frame: number): AudioClip {
  if (reply?.error) throw new Error(reply.error);
  const view = buffers[0];
  if (!reply || reply.frame !== frame || !view || typeof reply.sample_rate !== "number") {
    throw new Error(`frame_audio: no sound for frame ${frame} in the answer`);
  }
  const wav = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return { wav, sampleRate: reply.sample_rate, duration: Number(reply.duration ?? wav.byteLength / (2 * reply.sample_rate)) };
}

/** One panel's frame sounds: loading, caching, and playing the one wanted last. */
export class FrameSounds {
  private version = 0;
  // Whether this panel has played a sound (the shared player is looked up from then on only).
  private played = false;
  private readonly cache = new LruCache<string, AudioClip>(MAX_SOUNDS, MAX_BYTES, (clip) => clip.wav.byteLength);
  private readonly loading = new Map<string, Promise<AudioClip>>();
  private readonly controller = new AbortController();
  // The frames' sounds the user asks for: one request at a time, the latest wanted next.
  private readonly wanted = new LatestOnly<string>(
    (key) => this.playKey(key),
    (error) => console.warn("latentwidgets: frame sound", error),
  );

  /** `host`: an element of the explorer, whose one player plays the sounds. */
  constructor(
    readonly panel: FramePanel,
    private readonly invoke: Invoke,
    private readonly host: HTMLElement,
  ) {}

  /** The panel shows new frames: the sounds of the old ones are never played again. */
  renew(): void {
    this.version += 1;
    this.loading.clear();
    this.wanted.want(null);
  }

  /** Frame `frame`'s sound, from the cache, the request already on its way, or a new request. */
  load(frame: number): Promise<AudioClip> {
    const key = frameAudioKey(this.panel, this.version, frame);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const version = this.version;
    const request = this.invoke<FrameAudioReply>(COMMANDS.frameAudio, { panel: this.panel, frame }, { signal: this.controller.signal })
      .then(([reply, buffers]) => {
        const clip = readFrameAudio(reply, buffers, frame);
        if (version === this.version) this.cache.set(key, clip);
        return clip;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, request);
    return request;
  }

  /** Play frame `frame` once its sound is here, unless another frame is asked for meanwhile. */
  want(frame: number): void {
    this.wanted.want(frame < 0 ? null : frameAudioKey(this.panel, this.version, frame));
  }

  /** Play `clip` as frame `frame` of this panel now (the tags say which on the <audio>). */
  play(clip: AudioClip, frame: number): Promise<void> {
    this.played = true;
    return audioPlayer(this.host).play(clip.wav, { panel: this.panel, frame: String(frame) });
  }

  /** Whether the player's sound (playing or just ended) is frame `frame` of this panel. */
  isCurrent(frame: number): boolean {
    if (!this.played) return false;
    const element = audioPlayer(this.host).element;
    return element?.dataset.panel === this.panel && element.dataset.frame === String(frame);
  }

  /** Stop the sound playing, if it is one of this panel's. */
  stop(): void {
    if (!this.played) return;
    const player = audioPlayer(this.host);
    if (player.element?.dataset.panel === this.panel) player.stop();
  }

  destroy(): void {
    this.wanted.want(null);
    this.controller.abort(new Error(`${this.panel} sounds closed`));
  }

  private async playKey(key: string): Promise<void> {
    const [panel, version, frame] = key.split(":");
    if (panel !== this.panel || Number(version) !== this.version) return;
    const clip = await this.load(Number(frame));
    if (this.wanted.isLatest(key) && !this.controller.signal.aborted) await this.play(clip, Number(frame));
  }
}

// The widget's one audio output: a hidden <audio class="lw-audio"> per explorer, made on the first
// play, whose source is a blob URL of the WAV bytes the kernel sent. One element per widget means
// a new sound stops the last one (two previews never talk over each other), and a test reads what
// plays from one place: its `src` and its data-* tags (data-index, data-panel, data-frame).
import "./audio-player.css";
import { h, icon, listen } from "./dom";

/** Facts about what plays, written on the <audio> as data-* (e.g. `{ index: "12" }`). */
export type AudioTags = Readonly<Record<string, string>>;

/** The WAV bytes of one sound, as the kernel's buffers bring them. */
export type WavBytes = ArrayBuffer | Uint8Array | DataView;

export class AudioPlayer {
  private audio: HTMLAudioElement | null = null;
  private url: string | null = null;
  private tagNames: string[] = [];
  private readonly ended = new Set<() => void>();
  private readonly stops: (() => void)[] = [];

  /** `host`: the element the <audio> goes in (the explorer's root). */
  constructor(private readonly host: HTMLElement) {}

  /** The <audio> element, or null before the first play. */
  get element(): HTMLAudioElement | null {
    return this.audio;
  }

  /**
   * Play `wav` from its start, in place of whatever plays now, with `tags` on the element (the tags
   * of the last sound are removed first). Resolves when playback starts; resolves too when the
   * browser refuses to play before a user gesture (NotAllowedError): the source is still set, and
   * the next play from a click is heard. Other errors (a WAV the browser cannot decode) reject.
   */
  play(wav: WavBytes, tags: AudioTags = {}): Promise<void> {
    const audio = this.element ?? this.create();
    // A copy: the blob must not hold a whole kernel message alive through a view of it.
    const bytes = new Uint8Array(wav.byteLength);
    bytes.set(wav instanceof ArrayBuffer ? new Uint8Array(wav) : new Uint8Array(wav.buffer, wav.byteOffset, wav.byteLength));
    const url = URL.createObjectURL(new Blob([bytes], { type: "audio/wav" }));
    audio.pause();
    this.setTags(audio, tags);
    audio.src = url;
    this.revoke();
    this.url = url;
    audio.dataset.playing = "1";
    let started: Promise<void> | undefined;
    try {
      started = audio.play();
    } catch (error) {
      return Promise.reject(error);
    }
    // Old browsers (and test DOMs) return undefined from play().
    return (started ?? Promise.resolve()).catch((error: unknown) => {
      if (error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "AbortError")) return;
      throw error;
    });
  }

  /** Stop what plays (its source stays, so that a test can still read it). */
  stop(): void {
    if (!this.audio) return;
    this.audio.pause();
    this.audio.dataset.playing = "0";
  }

  /** Call `callback` each time a sound plays to its end; returns the function that stops it. */
  onEnded(callback: () => void): () => void {
    this.ended.add(callback);
    return () => this.ended.delete(callback);
  }

  /** Stop, drop the element and free its blob URL. */
  dispose(): void {
    this.stop();
    for (const stop of this.stops.splice(0)) stop();
    this.revoke();
    this.audio?.remove();
    this.audio = null;
    this.ended.clear();
  }

  private create(): HTMLAudioElement {
    const audio = h("audio", { class: "lw-audio", preload: "auto", hidden: true });
    audio.dataset.playing = "0";
    this.stops.push(
      listen(audio, "ended", () => {
        audio.dataset.playing = "0";
        for (const callback of [...this.ended]) callback();
      }),
    );
    this.host.append(audio);
    this.audio = audio;
    return audio;
  }

  private setTags(audio: HTMLAudioElement, tags: AudioTags): void {
    for (const name of this.tagNames) delete audio.dataset[name];
    Object.assign(audio.dataset, tags);
    this.tagNames = Object.keys(tags);
  }

  private revoke(): void {
    if (this.url !== null) URL.revokeObjectURL(this.url);
    this.url = null;
  }
}

const players = new WeakMap<HTMLElement, AudioPlayer>();

/**
 * The one player of the explorer that `within` is part of (its `.lw-explorer` root, else `within`
 * itself), made on first use. Every panel that plays shares it.
 */
export function audioPlayer(within: HTMLElement): AudioPlayer {
  const root = within.closest<HTMLElement>(".lw-explorer") ?? within;
  let player = players.get(root);
  if (!player) {
    player = new AudioPlayer(root);
    players.set(root, player);
  }
  return player;
}

/**
 * The explorer at `root` is going: stop its sound (a detached <audio> plays on) and free its URL.
 */
export function releaseAudio(root: HTMLElement): void {
  players.get(root)?.dispose();
  players.delete(root);
}

/**
 * A play button `.lw-play-audio` labelled "Play <what>" (its aria-label and tooltip; shown beside
 * the icon unless `iconOnly`), calling `onClick` on a click. The click does not bubble up: a play
 * button inside a clickable item (a gallery's, which pins the point) plays without picking it.
 * Where `onClick` returns a promise that rejects (a WAV the browser cannot play), the button says
 * why in its tooltip and gets `is-failed`.
 */
export function playButton(label: string, onClick: () => unknown, { iconOnly = false }: { iconOnly?: boolean } = {}): HTMLButtonElement {
  const button = h("button", { type: "button", class: `lw-button lw-play-audio${iconOnly ? " lw-icon" : ""}` }, [icon("play")]);
  if (!iconOnly) button.append(h("span", { class: "lw-play-audio-text" }));
  labelPlayButton(button, label);
  button.addEventListener("click", (event) => {
    event.stopPropagation();
    button.classList.remove("is-failed");
    const played = onClick();
    if (!(played instanceof Promise)) return;
    played.catch((error: unknown) => {
      button.classList.add("is-failed");
      button.title = `Could not play: ${error instanceof Error ? error.message : String(error)}`;
    });
  });
  return button;
}

/** Say `label` ("Play input") on a button from playButton: its aria-label, tooltip and text. */
export function labelPlayButton(button: HTMLButtonElement, label: string): void {
  button.classList.remove("is-failed");
  button.setAttribute("aria-label", label);
  button.title = label;
  const text = button.querySelector(".lw-play-audio-text");
  if (text) text.textContent = label;
}

/** "0.50 s": a sound's length, as captions and the hover card say it. */
export function durationText(seconds: number): string {
  return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
}

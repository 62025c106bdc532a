// Hearing a slider's frames (interpolation, traversal) in audio mode: a play button for the frame
// on show, the slider playing the frame it rests on once the user has played one (browsers refuse
// sound before a gesture), and "play all", which walks the slider along with the sound.
import "./frame-audio.css";
import { audioPlayer, playButton } from "../ui/audio-player";
import { h, icon, listen } from "../ui/dom";
import type { Invoke } from "../wire/invoke";
import type { AudioClip } from "../wire/types";
import { type FramePanel, FrameSounds } from "./frame-sounds";
import { PlayAll } from "./play-all";

/** How long the slider rests before the frame on show plays: a fast scrub plays where it stops. */
export const SETTLE_MS = 150;

/** The slider whose frames play. */
export interface FrameSlider {
  /** The frame on show. */
  frame(): number;
  /** How many frames there are. */
  count(): number;
  /** Show frame `frame` (play all moves the slider with this). */
  show(frame: number): void;
}

export class FrameAudio {
  /** `.lw-play-audio`: play the frame on show. */
  readonly playButton: HTMLButtonElement;
  /** `.lw-play-all`: play every frame in order, or stop. */
  readonly playAllButton: HTMLButtonElement;
  private readonly sounds: FrameSounds;
  private readonly playAll: PlayAll<AudioClip>;
  private readonly stops: (() => void)[] = [];
  private on = false;
  private count = 0;
  // Whether the user has played a frame: from then on the slider plays the frame it rests on.
  private armed = false;
  private settle: ReturnType<typeof setTimeout> | undefined;
  // The play-all sound playing, and how to tell play all that it ended (true) or was cut (false).
  private ending: { frame: number; resolve: (ended: boolean) => void } | null = null;
  private stopEnded: (() => void) | null = null;

  constructor(
    panel: FramePanel,
    invoke: Invoke,
    private readonly host: HTMLElement,
    private readonly slider: FrameSlider,
  ) {
    this.sounds = new FrameSounds(panel, invoke, host);
    this.playButton = playButton("Play frame", () => this.playOnShow(), { iconOnly: true });
    this.playAllButton = h("button", { type: "button", class: "lw-button lw-play-all", "aria-pressed": "false", title: "Play every frame in order" });
    this.playAll = new PlayAll<AudioClip>({
      count: () => slider.count(),
      load: (frame) => this.sounds.load(frame),
      show: (frame) => slider.show(frame),
      play: (clip, frame) => this.playToEnd(clip, frame),
      changed: (playing) => this.showPlaying(playing),
      failed: (error) => console.warn("latentwidgets: play all", error),
    });
    this.showPlaying(false);
    this.setEnabled(false);
    this.stops.push(listen(this.playAllButton, "click", () => this.togglePlayAll()));
  }

  /** Whether audio mode is on. */
  get enabled(): boolean {
    return this.on;
  }

  /** Audio mode on or off: the buttons show, and the slider may play, only while on. */
  setEnabled(enabled: boolean): void {
    this.on = enabled;
    this.showButtons();
    if (!enabled) this.stop();
  }

  /** There are `count` frames now (new ones, or none): their sounds are asked afresh. */
  framesChanged(count: number): void {
    this.stop();
    this.sounds.renew();
    this.count = count;
    this.showButtons();
  }

  /** The user moved to another frame (slider, keys, a click): that frame plays once it rests there. */
  moved(): void {
    if (!this.on) return;
    this.stop();
    if (!this.armed) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.sounds.want(this.slider.frame());
    }, SETTLE_MS);
  }

  /** The user took hold of the slider (before any move): play all, if it plays, stops. */
  interrupt(): void {
    if (this.playAll.playing) this.stop();
  }

  /** Play all from the first frame, or stop it. */
  togglePlayAll(): void {
    if (!this.on) return;
    this.armed = true;
    const wasPlaying = this.playAll.playing;
    this.stop();
    if (!wasPlaying) void this.playAll.start();
  }

  /** Stop whatever this slider plays or is about to play. */
  stop(): void {
    clearTimeout(this.settle);
    this.settle = undefined;
    this.sounds.want(-1);
    if (this.playAll.playing) this.playAll.stop();
    this.endWith(false);
    this.sounds.stop();
  }

  destroy(): void {
    this.stop();
    this.stopEnded?.();
    this.sounds.destroy();
    for (const stop of this.stops) stop();
  }

  private playOnShow(): void {
    this.armed = true;
    this.stop();
    this.sounds.want(this.slider.frame());
  }

  private playToEnd(clip: AudioClip, frame: number): Promise<boolean> {
    this.endWith(false);
    this.stopEnded ??= audioPlayer(this.host).onEnded(() => this.endWith(this.ending !== null && this.sounds.isCurrent(this.ending.frame)));
    return new Promise<boolean>((resolve) => {
      this.ending = { frame, resolve };
      this.sounds.play(clip, frame).catch((error: unknown) => {
        console.warn("latentwidgets: frame sound", error);
        this.endWith(false);
      });
    });
  }

  private endWith(ended: boolean): void {
    const ending = this.ending;
    this.ending = null;
    ending?.resolve(ended);
  }

  /** The buttons show in audio mode, while there is a frame to play (play all: two). */
  private showButtons(): void {
    this.playButton.hidden = !this.on || this.count === 0;
    this.playAllButton.hidden = !this.on;
    this.playAllButton.disabled = this.count < 2;
  }

  private showPlaying(playing: boolean): void {
    this.playAllButton.classList.toggle("is-playing", playing);
    this.playAllButton.setAttribute("aria-pressed", String(playing));
    this.playAllButton.replaceChildren(icon(playing ? "pause" : "play"), h("span", { text: playing ? "Stop" : "Play all" }));
  }
}

// "Play all": a panel's frames heard one after another from the first, the frame on show moving
// along with the sound. What it plays and shows comes from its steps, so that it runs without a
// DOM (and in unit tests with fakes).

export interface PlayAllSteps<S> {
  /** How many frames there are now. */
  count(): number;
  /** Frame `frame`'s sound (a request, or a cached one). */
  load(frame: number): Promise<S>;
  /** Show frame `frame` (move the slider), as its sound starts. */
  show(frame: number): void;
  /** Play `sound` as frame `frame`: true once it has played to its end, false if cut off. */
  play(sound: S, frame: number): Promise<boolean>;
  /** Playing started or ended (the button's state). */
  changed(playing: boolean): void;
  /** A frame's sound could not be had: the run ends. */
  failed(error: unknown): void;
}

export class PlayAll<S> {
  private run = 0;
  private active = false;

  constructor(private readonly steps: PlayAllSteps<S>) {}

  get playing(): boolean {
    return this.active;
  }

  /** Start from the first frame, or stop. */
  toggle(): void {
    if (this.active) this.stop();
    else void this.start();
  }

  /** Play every frame in order; resolves when the run ends (played through, stopped or failed). */
  async start(): Promise<void> {
    const run = ++this.run;
    this.setActive(true);
    try {
      let next: Promise<S> | null = this.steps.count() > 0 ? this.steps.load(0) : null;
      for (let f = 0; next !== null; f++) {
        const sound: S = await next;
        if (run !== this.run) return;
        // The next frame's sound is asked for while this one plays: no gap between them.
        next = f + 1 < this.steps.count() ? this.steps.load(f + 1) : null;
        next?.catch(() => undefined);
        this.steps.show(f);
        const ended = await this.steps.play(sound, f);
        if (run !== this.run || !ended) return;
      }
    } catch (error) {
      if (run === this.run) this.steps.failed(error);
    } finally {
      if (run === this.run) this.setActive(false);
    }
  }

  /** Stop the run (a sound that plays is the caller's to stop). */
  stop(): void {
    this.run += 1;
    this.setActive(false);
  }

  private setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    this.steps.changed(active);
  }
}

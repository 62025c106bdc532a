// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FrameAudio, SETTLE_MS } from "../src/panels/frame-audio";
import { FrameSounds, frameAudioKey, readFrameAudio } from "../src/panels/frame-sounds";
import { PlayAll, type PlayAllSteps } from "../src/panels/play-all";
import { COMMANDS } from "../src/wire/contract";
import type { Invoke } from "../src/wire/invoke";

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A fake kernel answering `frame_audio` with a 4-byte "WAV" whose first byte is the frame. */
function fakeKernel() {
  const asked: { panel: string; frame: number }[] = [];
  const invoke = vi.fn(async (name: string, msg: unknown) => {
    expect(name).toBe(COMMANDS.frameAudio);
    const { panel, frame } = msg as { panel: string; frame: number };
    asked.push({ panel, frame });
    return [{ panel, frame, sample_rate: 8000, duration: 0.5 }, [new DataView(new Uint8Array([frame, 0, 0, 0]).buffer)]];
  }) as unknown as Invoke;
  return { invoke, asked };
}

function explorerRoot(): HTMLElement {
  const root = document.createElement("div");
  root.className = "lw-explorer";
  document.body.append(root);
  return root;
}

describe("frame sounds: keys, answers, cache", () => {
  it("keys a sound by panel, version of the frames and frame", () => {
    expect(frameAudioKey("interp", 3, 7)).toBe("interp:3:7");
    expect(new Set([frameAudioKey("interp", 1, 2), frameAudioKey("traverse", 1, 2), frameAudioKey("interp", 2, 2), frameAudioKey("interp", 1, 3)]).size).toBe(4);
  });

  it("reads an answer's WAV and rate, and says what is wrong with a bad one", () => {
    const view = new DataView(new Uint8Array([5, 6, 7, 8]).buffer, 1, 2);
    const clip = readFrameAudio({ panel: "interp", frame: 2, sample_rate: 8000, duration: 0.25 }, [view], 2);
    expect([...clip.wav]).toEqual([6, 7]);
    expect(clip).toMatchObject({ sampleRate: 8000, duration: 0.25 });
    expect(() => readFrameAudio({ panel: "interp", frame: 2, error: "frame must be < 2" }, [], 2)).toThrow("frame must be < 2");
    expect(() => readFrameAudio({ panel: "interp", frame: 1, sample_rate: 8000 }, [view], 2)).toThrow("no sound for frame 2");
    expect(() => readFrameAudio({ panel: "interp", frame: 2, sample_rate: 8000 }, [], 2)).toThrow("no sound for frame 2");
  });

  it("asks the kernel once per frame and version: scrubbing back is served from the cache", async () => {
    const kernel = fakeKernel();
    const sounds = new FrameSounds("interp", kernel.invoke, explorerRoot());
    const [a, b] = await Promise.all([sounds.load(3), sounds.load(3)]);
    expect(a).toBe(b);
    await sounds.load(4);
    expect((await sounds.load(3)).wav[0]).toBe(3);
    expect(kernel.asked).toEqual([
      { panel: "interp", frame: 3 },
      { panel: "interp", frame: 4 },
    ]);
    sounds.renew();
    await sounds.load(3);
    expect(kernel.asked).toHaveLength(3);
  });
});

describe("play all", () => {
  /** Steps whose sounds are their frame numbers and whose plays end when `end()` is called. */
  function steps(count: number) {
    const log: string[] = [];
    let end: ((ended: boolean) => void) | null = null;
    const fake: PlayAllSteps<number> = {
      count: () => count,
      load: async (f) => {
        log.push(`load ${f}`);
        return f;
      },
      show: (f) => log.push(`show ${f}`),
      play: (sound) =>
        new Promise<boolean>((resolve) => {
          log.push(`play ${sound}`);
          end = resolve;
        }),
      changed: (playing) => log.push(playing ? "on" : "off"),
      failed: (error) => log.push(`failed ${String(error)}`),
    };
    const endPlay = async (ended = true) => {
      await flush();
      end?.(ended);
      await flush();
    };
    return { fake, log, endPlay };
  }

  it("plays every frame in order, showing each as it starts, the next one loaded meanwhile", async () => {
    const { fake, log, endPlay } = steps(3);
    const playAll = new PlayAll(fake);
    const run = playAll.start();
    expect(playAll.playing).toBe(true);
    for (let f = 0; f < 3; f++) await endPlay();
    await run;
    expect(playAll.playing).toBe(false);
    expect(log).toEqual(["on", "load 0", "load 1", "show 0", "play 0", "load 2", "show 1", "play 1", "show 2", "play 2", "off"]);
  });

  it("stops when told, and when a sound is cut off", async () => {
    const first = steps(5);
    const stopped = new PlayAll(first.fake);
    const run = stopped.start();
    await first.endPlay();
    stopped.stop();
    await first.endPlay();
    await run;
    expect(first.log.filter((l) => l.startsWith("play"))).toEqual(["play 0", "play 1"]);
    expect(first.log.at(-1)).toBe("off");

    const second = steps(5);
    const cut = new PlayAll(second.fake);
    const cutRun = cut.start();
    await second.endPlay(false);
    await cutRun;
    expect(second.log.filter((l) => l.startsWith("play"))).toEqual(["play 0"]);
    expect(cut.playing).toBe(false);
  });

  it("ends and says so when a frame's sound cannot be had", async () => {
    const { fake, log } = steps(3);
    fake.load = async () => {
      throw new Error("kernel gone");
    };
    await new PlayAll(fake).start();
    expect(log).toEqual(["on", "failed Error: kernel gone", "off"]);
  });
});

describe("FrameAudio on a slider", () => {
  let root: HTMLElement;
  let played: { src: string | null; panel?: string; frame?: string }[];
  beforeEach(() => {
    root = explorerRoot();
    played = [];
    let n = 0;
    vi.spyOn(URL, "createObjectURL").mockImplementation(() => `blob:test/${++n}`);
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => undefined);
    vi.spyOn(HTMLMediaElement.prototype, "play").mockImplementation(function (this: HTMLMediaElement) {
      played.push({ src: this.getAttribute("src"), panel: this.dataset.panel, frame: this.dataset.frame });
      return Promise.resolve();
    });
  });
  afterEach(() => {
    root.remove();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function slider(count: number) {
    const state = { frame: 0, shown: [] as number[] };
    const kernel = fakeKernel();
    const audio = new FrameAudio("interp", kernel.invoke, root, {
      frame: () => state.frame,
      count: () => count,
      show: (f) => {
        state.frame = f;
        state.shown.push(f);
      },
    });
    audio.setEnabled(true);
    audio.framesChanged(count);
    return { audio, state, kernel };
  }

  it("plays nothing as the slider moves until the user has played once, then where it rests", async () => {
    vi.useFakeTimers();
    const { audio, state, kernel } = slider(8);
    state.frame = 2;
    audio.moved();
    await vi.advanceTimersByTimeAsync(SETTLE_MS * 2);
    expect(kernel.asked).toEqual([]);

    audio.playButton.click();
    await vi.advanceTimersByTimeAsync(0);
    expect(played.map((p) => p.frame)).toEqual(["2"]);

    // A fast scrub: only the frame it rests on is asked for and played.
    for (const f of [3, 4, 5, 6]) {
      state.frame = f;
      audio.moved();
      await vi.advanceTimersByTimeAsync(SETTLE_MS / 3);
    }
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(kernel.asked.map((a) => a.frame)).toEqual([2, 6]);
    expect(played.map((p) => p.frame)).toEqual(["2", "6"]);
    expect(played.at(-1)?.panel).toBe("interp");

    // Back to a frame heard before: played again, not asked again.
    state.frame = 2;
    audio.moved();
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(played.map((p) => p.frame)).toEqual(["2", "6", "2"]);
    expect(kernel.asked).toHaveLength(2);
  });

  it("play all walks the slider with the sound; the user's move stops it", async () => {
    const { audio, state } = slider(4);
    const element = () => root.querySelector<HTMLAudioElement>("audio.lw-audio");
    audio.playAllButton.click();
    expect(audio.playAllButton.getAttribute("aria-pressed")).toBe("true");
    await flush();
    expect(state.shown).toEqual([0]);
    element()?.dispatchEvent(new Event("ended"));
    await flush();
    element()?.dispatchEvent(new Event("ended"));
    await flush();
    expect(state.shown).toEqual([0, 1, 2]);
    expect(played.map((p) => p.frame)).toEqual(["0", "1", "2"]);

    audio.moved();
    expect(audio.playAllButton.getAttribute("aria-pressed")).toBe("false");
    element()?.dispatchEvent(new Event("ended"));
    await flush();
    expect(state.shown).toEqual([0, 1, 2]);
  });

  it("play all stops at a second press, and when another sound takes the player", async () => {
    const { audio, state } = slider(4);
    audio.playAllButton.click();
    await flush();
    audio.playAllButton.click();
    expect(audio.playAllButton.getAttribute("aria-pressed")).toBe("false");
    expect(root.querySelector<HTMLAudioElement>("audio")?.dataset.playing).toBe("0");

    audio.playAllButton.click();
    await flush();
    const element = root.querySelector<HTMLAudioElement>("audio") as HTMLAudioElement;
    element.dataset.panel = "point"; // the preview panel played a point over it
    element.dispatchEvent(new Event("ended"));
    await flush();
    expect(audio.playAllButton.getAttribute("aria-pressed")).toBe("false");
    expect(state.shown).toEqual([0, 0]);
  });

  it("shows its buttons in audio mode only, and stays silent outside it", async () => {
    const { audio, kernel } = slider(4);
    expect(audio.playButton.hidden).toBe(false);
    expect(audio.playButton.getAttribute("aria-label")).toBe("Play frame");
    audio.setEnabled(false);
    expect([audio.playButton.hidden, audio.playAllButton.hidden]).toEqual([true, true]);
    audio.togglePlayAll();
    await flush();
    expect(kernel.asked).toEqual([]);
  });
});

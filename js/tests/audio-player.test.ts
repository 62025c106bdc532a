// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AudioPlayer, audioPlayer, durationText, labelPlayButton, playButton, releaseAudio } from "../src/ui/audio-player";

/** The blobs handed to URL.createObjectURL, by URL, and the URLs revoked. */
function spyUrls() {
  const blobs = new Map<string, Blob>();
  const revoked: string[] = [];
  let n = 0;
  vi.spyOn(URL, "createObjectURL").mockImplementation((blob) => {
    const url = `blob:test/${++n}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  vi.spyOn(URL, "revokeObjectURL").mockImplementation((url) => {
    revoked.push(url);
  });
  return { blobs, revoked };
}

async function bytesOf(blob: Blob | undefined): Promise<number[]> {
  if (!blob) throw new Error("no blob");
  return [...new Uint8Array(await blob.arrayBuffer())];
}

describe("AudioPlayer", () => {
  let root: HTMLElement;
  beforeEach(() => {
    root = document.createElement("div");
    root.className = "lw-explorer";
    document.body.append(root);
  });
  afterEach(() => {
    root.remove();
    vi.restoreAllMocks();
  });

  it("makes one hidden <audio> on the first play, with the bytes as a WAV blob and the tags", async () => {
    const urls = spyUrls();
    vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
    const player = new AudioPlayer(root);
    expect(player.element).toBeNull();
    expect(root.querySelector("audio")).toBeNull();
    await player.play(new Uint8Array([1, 2, 3, 4]), { index: "7" });
    const audio = root.querySelector<HTMLAudioElement>("audio.lw-audio");
    expect(audio).not.toBeNull();
    expect(audio?.hidden).toBe(true);
    expect(audio?.getAttribute("src")).toBe("blob:test/1");
    expect(audio?.dataset.index).toBe("7");
    expect(audio?.dataset.playing).toBe("1");
    expect(urls.blobs.get("blob:test/1")?.type).toBe("audio/wav");
    expect(await bytesOf(urls.blobs.get("blob:test/1"))).toEqual([1, 2, 3, 4]);
  });

  it("copies only a view's own bytes, and replaces the last sound: new URL, old one revoked, old tags gone", async () => {
    const urls = spyUrls();
    vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
    const player = new AudioPlayer(root);
    await player.play(new ArrayBuffer(2), { index: "1" });
    const message = new Uint8Array([9, 9, 5, 6, 7, 9]).buffer;
    await player.play(new DataView(message, 2, 3), { panel: "interp", frame: "3" });
    expect(root.querySelectorAll("audio")).toHaveLength(1);
    const audio = player.element as HTMLAudioElement;
    expect(audio.getAttribute("src")).toBe("blob:test/2");
    expect(urls.revoked).toEqual(["blob:test/1"]);
    expect(await bytesOf(urls.blobs.get("blob:test/2"))).toEqual([5, 6, 7]);
    expect(audio.dataset.index).toBeUndefined();
    expect({ panel: audio.dataset.panel, frame: audio.dataset.frame }).toEqual({ panel: "interp", frame: "3" });
  });

  it("swallows the browser's autoplay refusal, and passes on other failures", async () => {
    spyUrls();
    const play = vi.spyOn(HTMLMediaElement.prototype, "play");
    const player = new AudioPlayer(root);
    play.mockRejectedValueOnce(new DOMException("needs a gesture", "NotAllowedError"));
    await expect(player.play(new Uint8Array([1]))).resolves.toBeUndefined();
    expect(player.element?.getAttribute("src")).toBe("blob:test/1");
    play.mockRejectedValueOnce(new DOMException("bad wav", "NotSupportedError"));
    await expect(player.play(new Uint8Array([1]))).rejects.toThrow("bad wav");
  });

  it("stops, calls its ended listeners until they stop listening, and frees its URL on dispose", async () => {
    const urls = spyUrls();
    vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
    const pause = vi.spyOn(HTMLMediaElement.prototype, "pause").mockImplementation(() => undefined);
    const player = new AudioPlayer(root);
    const ended = vi.fn();
    const unsubscribe = player.onEnded(ended);
    await player.play(new Uint8Array([1]));
    const audio = player.element as HTMLAudioElement;
    const pauses = pause.mock.calls.length;
    player.stop();
    expect(pause.mock.calls.length).toBe(pauses + 1);
    expect(audio.dataset.playing).toBe("0");
    audio.dispatchEvent(new Event("ended"));
    expect(ended).toHaveBeenCalledTimes(1);
    unsubscribe();
    audio.dispatchEvent(new Event("ended"));
    expect(ended).toHaveBeenCalledTimes(1);
    player.dispose();
    expect(urls.revoked).toEqual(["blob:test/1"]);
    expect(root.querySelector("audio")).toBeNull();
  });
});

describe("audioPlayer", () => {
  it("is released with its explorer: the sound stops and a later play makes a new one", async () => {
    spyUrls();
    vi.spyOn(HTMLMediaElement.prototype, "play").mockResolvedValue(undefined);
    const root = document.createElement("div");
    root.className = "lw-explorer";
    const player = audioPlayer(root);
    await player.play(new Uint8Array([1]));
    const audio = player.element as HTMLAudioElement;
    const pause = vi.spyOn(audio, "pause");
    releaseAudio(root);
    expect(pause).toHaveBeenCalled();
    expect(root.querySelector("audio")).toBeNull();
    expect(audioPlayer(root)).not.toBe(player);
    vi.restoreAllMocks();
  });

  it("shares one player per explorer root, found from any element inside it", () => {
    const one = document.createElement("div");
    one.className = "lw-explorer";
    const inner = document.createElement("span");
    one.append(inner);
    const two = document.createElement("div");
    two.className = "lw-explorer";
    expect(audioPlayer(inner)).toBe(audioPlayer(one));
    expect(audioPlayer(two)).not.toBe(audioPlayer(one));
  });
});

describe("playButton", () => {
  it("is a labelled .lw-play-audio button whose click plays and never reaches the item around it", () => {
    const onClick = vi.fn();
    const onItem = vi.fn();
    const button = playButton("Play decoded", onClick);
    const item = document.createElement("figure");
    item.addEventListener("click", onItem);
    item.append(button);
    expect(button.tagName).toBe("BUTTON");
    expect(button.type).toBe("button");
    expect(button.classList.contains("lw-play-audio")).toBe(true);
    expect(button.getAttribute("aria-label")).toBe("Play decoded");
    expect(button.textContent).toBe("Play decoded");
    button.click();
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(onItem).not.toHaveBeenCalled();
    expect(button.classList.contains("is-failed")).toBe(false);
    const small = playButton("Play #3", () => undefined, { iconOnly: true });
    expect(small.textContent).toBe("");
    expect(small.getAttribute("aria-label")).toBe("Play #3");
  });

  it("says in its tooltip why a sound could not play", async () => {
    const button = playButton("Play input", () => Promise.reject(new Error("bad WAV header")));
    button.click();
    await vi.waitFor(() => expect(button.classList.contains("is-failed")).toBe(true));
    expect(button.title).toBe("Could not play: bad WAV header");
    labelPlayButton(button, "Play decoded");
    expect(button.classList.contains("is-failed")).toBe(false);
    expect(button.title).toBe("Play decoded");
  });
});

describe("durationText", () => {
  it("says a sound's length in seconds, to 10 ms under 10 s", () => {
    expect(durationText(0.5)).toBe("0.50 s");
    expect(durationText(12.345)).toBe("12.3 s");
  });
});

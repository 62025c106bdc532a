import { describe, expect, it } from "vitest";
import { groupSize, HoverLink } from "../src/core/link";

function view() {
  const seen: number[] = [];
  const link = new HoverLink((index) => seen.push(index));
  return { link, seen };
}

describe("linked hover bus", () => {
  it("tells the other views of the group, never the one hovering", () => {
    const a = view();
    const b = view();
    const c = view();
    a.link.setGroup("g1");
    b.link.setGroup("g1");
    c.link.setGroup("g1");
    a.link.publish(7);
    a.link.publish(-1);
    expect(a.seen).toEqual([]);
    expect(b.seen).toEqual([7, -1]);
    expect(c.seen).toEqual([7, -1]);
  });

  it("keeps groups apart, and views without a group out", () => {
    const a = view();
    const b = view();
    const loner = view();
    a.link.setGroup("g2");
    b.link.setGroup("other");
    loner.link.publish(3);
    a.link.publish(4);
    expect(b.seen).toEqual([]);
    expect(loner.seen).toEqual([]);
  });

  it("stops listening when the group changes and when destroyed", () => {
    const a = view();
    const b = view();
    a.link.setGroup("g3");
    b.link.setGroup("g3");
    expect(groupSize("g3")).toBe(2);
    b.link.setGroup("g4");
    a.link.publish(1);
    expect(b.seen).toEqual([]);
    b.link.setGroup("g3");
    a.link.publish(2);
    expect(b.seen).toEqual([2]);
    b.link.destroy();
    a.link.publish(5);
    expect(b.seen).toEqual([2]);
    a.link.setGroup("");
    expect(groupSize("g3")).toBe(0);
  });

  it("one failing view does not stop the others", () => {
    const bad = new HoverLink(() => {
      throw new Error("boom");
    });
    const a = view();
    const b = view();
    bad.setGroup("g5");
    a.link.setGroup("g5");
    b.link.setGroup("g5");
    const error = console.error;
    console.error = () => {};
    try {
      a.link.publish(9);
    } finally {
      console.error = error;
    }
    expect(b.seen).toEqual([9]);
  });
});

#!/usr/bin/env python3
# This file is part of gr-ecdisc.
# SPDX-License-Identifier: GPL-3.0-or-later
"""Design check of the rll17pp code table (lib/rll17pp.h), independent of the
C++ kernel: a straightforward encoder/decoder written from the table, run
exhaustively over every data string of up to N bits (starting at a word
boundary) after either previous channel bit, in two end conditions (the
string is followed by more data = words needing unseen look-ahead are not
emitted, or it is the terminated end of a frame followed by the sync).

Checks: d = 1 and k = 7 inside the coded data and at the sync junctions,
at most RMTR consecutive 2T runs, parity preservation of every table entry,
unique decodability (round trip) with a 12-channel-bit window decoder, and
the minimum Hamming distance of coded data to the sync pattern.

    /usr/bin/python3 scripts/rll17pp_table_check.py [N]   (default 16; N = 18,
    about a minute, also reaches 24-bit windows inside coded data: distance 2)
"""
import itertools
import sys

# data -> code; "*0*" = 101 after a channel 0, 000 after a channel 1
TABLE = {
    "11": "*0*", "10": "001", "01": "010",
    "0011": "010100", "0010": "010000", "0001": "000100",
    "000011": "000100100", "000010": "000100000",
    "000001": "010100100", "000000": "010100000",
}
KSUB = {"00001000": "000100100100", "00000000": "010100100100"}  # when next data 00
RMTR = {"110111": "001000000"}  # when the next code word starts with 010
SYNC = "010000000010000000010010"
RMTR_LIMIT = 6


class Need(Exception):
    pass


def parse(d, i, final):
    """data word at d[i:] -> (length, key); raises Need for missing look-ahead."""
    for n in (2, 4, 6):
        if i + n > len(d):
            raise Need
        if d[i:i + n] in TABLE:
            return n, d[i:i + n]
    raise AssertionError("table not complete")


def first3(d, i, final):
    """first three code bits of the word at d[i:] (at a frame end: the sync's)."""
    if i >= len(d):
        if final:
            return SYNC[:3]
        raise Need
    n, key = parse(d, i, final)
    c = TABLE[key]
    return c[:3]


def encode(d, prev, final):
    out = []
    words = []
    i = 0
    try:
        while i < len(d):
            n, key = parse(d, i, final)
            code = TABLE[key]
            if key in ("000010", "000000"):
                if i + 8 > len(d) and not final:
                    raise Need
                if d[i + 6:i + 8] == "00":
                    key = key + "00"
                    n, code = 8, KSUB[key]
            if key == "11" and d[i:i + 6] == "110111":
                if first3(d, i + 6, final) == "010":
                    n, key, code = 6, "110111", RMTR["110111"]
            elif key == "11" and i + 6 > len(d) and not final and d[i:] == "110111"[:len(d) - i]:
                raise Need
            if code == "*0*":
                code = "000" if prev == "1" else "101"
            out.append(code)
            words.append(d[i:i + n])
            prev = code[-1]
            i += n
    except Need:
        pass
    return "".join(out), "".join(words)


def decode(c, prev, final=True):
    if final:
        c = c + SYNC[:3]  # a frame's code is followed by the sync
        n_words = (len(c) - 3) // 3
    else:
        n_words = len(c) // 3
    """window decoder: at most 4 words (12 bits) from the word start. With
    final False the code is followed by more, unseen code: only the words
    whose whole window is seen are decoded."""
    w = [c[j:j + 3] for j in range(0, len(c), 3)]
    get = lambda j: w[j] if j < len(w) else None
    out = []
    j = 0
    while j < n_words and (final or j + 4 <= len(w)):
        w0, w1, w2, w3 = get(j), get(j + 1), get(j + 2), get(j + 3)
        if w0 == "101":
            r, n = "11", 1
        elif w0 == "001":
            r, n = ("110111", 3) if (w1, w2, w3) == ("000", "000", "010") else ("10", 1)
        elif w0 in ("010", "000"):
            fam = "0" if w0 == "010" else "1"  # 0100../0000.. families
            if w1 == "100":
                if w2 == "100":
                    r, n = (("00000000" if fam == "0" else "00001000"), 4) if w3 == "100" else \
                        (("000001" if fam == "0" else "000011"), 3)
                elif w2 == "000":
                    r, n = (("0011" if fam == "0" else "0001"), 2) if w3 == "100" else \
                        (("000000" if fam == "0" else "000010"), 3)
                else:
                    r, n = ("0011" if fam == "0" else "0001"), 2
            elif w0 == "010" and w1 == "000" and w2 != "100":
                r, n = "0010", 2
            elif w0 == "010":
                r, n = "01", 1
            else:
                r, n = "11", 1
        else:
            raise AssertionError("illegal word " + w0)
        out.append(r)
        j += n
    return "".join(out)


def runs(s):
    ones = [i for i, b in enumerate(s) if b == "1"]
    return [b - a for a, b in zip(ones, ones[1:])]


def max_2t(rl):
    best = cur = 0
    for r in rl:
        cur = cur + 1 if r == 2 else 0
        best = max(best, cur)
    return best


def main():
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    for k, v in list(TABLE.items()) + list(KSUB.items()) + list(RMTR.items()):
        if v == "*0*":
            assert k.count("1") % 2 == 0
            continue
        assert k.count("1") % 2 == v.count("1") % 2, (k, v)
    worst_2t = 0
    max_zero = 0
    min_sync_dist = 99
    n_checked = 0
    for n in range(2, N + 1, 2):
        for t in itertools.product("01", repeat=n):
            d = "".join(t)
            for prev in "01":
                for final in (False, True):
                    c, used = encode(d, prev, final)
                    if final:
                        # a frame end: the last word must be complete
                        if used != d:
                            continue
                    # the data must be exactly recovered from the code
                    dec = decode(c, prev, final)
                    if final:
                        assert dec == used, (d, prev, c, dec)
                    else:
                        assert used.startswith(dec) and len(used) - len(dec) <= 8, (d, prev, c, dec)
                    s = prev + c + (SYNC if final else "")
                    rl = runs(s)
                    body = rl[:-3] if final else rl  # the sync's own 9T runs
                    assert all(2 <= r <= 8 for r in body), (d, prev, s)
                    # zeros after the last one (k on an open end)
                    tail = len(s) - 1 - s.rfind("1") if "1" in s else len(s)
                    if not final:
                        assert tail <= 7, (d, prev, s)
                    max_zero = max(max_zero, max(body + [0]) - 1)
                    worst_2t = max(worst_2t, max_2t(body))
                    for p in range(1, len(c) - 23):
                        dist = sum(a != b for a, b in zip(c[p:p + 24], SYNC))
                        min_sync_dist = min(min_sync_dist, dist)
                    n_checked += 1
    print(f"checked {n_checked} encodings (data strings up to {N} bits)")
    print(f"longest zero run {max_zero} (k = 7), most consecutive 2T runs {worst_2t}"
          f" (limit {RMTR_LIMIT}), min distance of coded data to the sync {min_sync_dist}")
    assert max_zero <= 7 and worst_2t <= RMTR_LIMIT
    print("OK")


if __name__ == "__main__":
    main()

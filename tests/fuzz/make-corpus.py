#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# make-corpus.py [DIR] -- writes the seed corpus of api_fuzzer (default: the
# corpus/ folder next to this script). Each seed is a short program in the
# driver's encoding: an opcode byte (the index in Program::run's table) followed
# by the argument bytes the operation reads, in the order it reads them. Keep
# this file in step with api_fuzzer.cpp when an operation changes its reads.
import os
import sys

OPS = ["open_fd", "close_fd", "source_new", "source_query", "source_delete", "source_io",
       "config_new_delete", "config_set", "map_new", "map_from_existing", "map_delete", "map_data",
       "deep_flush", "reservation_new", "reservation_delete", "reservation_resize", "reservation_find",
       "badblocks", "errors", "force_granularity", "region", "set_config", "set_new_delete",
       "set_source_new", "set_source_delete", "part_new_delete", "part_map", "refs", "remove_part_map",
       "remove_range", "set_settings", "set_data", "pair_map_new", "pair_delete_and_find",
       "pair_part_map_and_iterate", "pair_remove_and_iterate"]
FD = {"tmp": 0, "shm": 1, "tmp_ro": 2, "shm_ro": 3, "tmp_wo": 4, "tmp_path": 5, "dir": 6, "pipe": 7,
      "devzero": 8, "memfd": 9}
# Input::size() selectors.
SIZE_0, SIZE_PAGE, SIZE_2M = [0], [2], [5]
def size_pages(n): return [7, n]
def size_2m_times(n): return [15, n - 1]
def u32(v): return list(v.to_bytes(4, "little"))
NO_FLAGS = [1]           # Input::flags() -> 0
def enum(v): return [4, v]  # Input::enum_value() -> v (valid)
def maybe(i): return [i + 1]  # an optional handle; maybe(-1) is NULL
GRAN_PAGE = 2


def op(name, *args):
    out = [OPS.index(name)]
    for a in args:
        out += a if isinstance(a, list) else [a]
    return out


def open_fd(slot, kind, size): return op("open_fd", slot, FD[kind], size, 0)
def source_fd(slot, fd): return op("source_new", slot, 0, fd, SIZE_0, 1)
def source_anon(slot, size): return op("source_new", slot, 1, 0, size, 1)
def config_new(slot): return op("config_new_delete", slot, 3)
def config_gran(slot, g): return op("config_set", maybe(slot), 0, enum(g))
def config_rsv(slot, rsv, offset): return op("config_set", maybe(slot), 5, maybe(rsv), offset)
def config_prot(slot, which): return op("config_set", maybe(slot), 4, which)
def map_new(m, c, s): return op("map_new", m, maybe(c), maybe(s), 1)
def map_delete(m): return op("map_delete", m, 1)
def memset_map(m, off, length): return op("map_data", maybe(m), u32(off), 0, u32(length), NO_FLAGS, 2, 0x61)
def persist_map(m, off, length): return op("map_data", maybe(m), u32(off), 0, u32(length), NO_FLAGS, 0)
def rsv_new(r, size): return op("reservation_new", r, 0, size, 1)
def rsv_first(r): return op("reservation_find", maybe(r), 255, 1)
def set_config_new(c): return op("set_config", maybe(c), 0)
def set_config_gran(c, g): return op("set_config", maybe(c), 2, enum(g))
def set_config_callback(c): return op("set_config", maybe(c), 4, 1)
def set_reenter(): return op("set_config", maybe(0), 5, 1)
def set_new(s, c): return op("set_new_delete", s, maybe(c), 0, 1)
def set_source_temp_shm(slot): return op("set_source_new", slot, 3, NO_FLAGS, 1, maybe(-1), 0, 1, 1, 1)
def set_source_pmem2(slot, p2): return op("set_source_new", slot, 0, NO_FLAGS, 1, maybe(p2), 0, 1)
def part_new(p, s, src, offset, length): return op("part_new_delete", p, 0, maybe(s), maybe(src), offset, length, 1)
def part_map(p): return op("part_map", p, 1, 1, 1)
def ref_first(r, s): return op("refs", r, maybe(s), 0)
def ref_drop(r): return op("refs", r, maybe(-1), 3)
def set_persist(s): return op("set_data", maybe(s), 0, NO_FLAGS, 0, u32(0), 0, u32(4096))
def set_memset(s): return op("set_data", maybe(s), 6, NO_FLAGS, 0, u32(0), 0, u32(8192), 0x62)
def remove_whole(s): return op("remove_range", maybe(s), SIZE_0, 1, 0, u32(0), 0, 1)


def pmem2_file_map(kind):
    return (open_fd(0, kind, SIZE_2M) + source_fd(0, 0) + config_new(0) + config_gran(0, GRAN_PAGE) +
            map_new(0, 0, 0) + memset_map(0, 0, 65536) + persist_map(0, 0, 65536) + map_delete(0))


SEEDS = {
    "pmem2-file-tmp": pmem2_file_map("tmp"),
    "pmem2-file-shm": pmem2_file_map("shm"),
    "pmem2-fd-kinds": sum((open_fd(i, k, SIZE_PAGE) + source_fd(i % 4, i) for i, k in
                           enumerate(["tmp_ro", "tmp_wo", "tmp_path", "dir", "pipe", "devzero", "memfd"])), []),
    "pmem2-anon-reservation": (rsv_new(0, size_2m_times(4)) + source_anon(0, SIZE_2M) + config_new(0) +
                               config_gran(0, GRAN_PAGE) + config_rsv(0, 0, SIZE_2M) + map_new(0, 0, 0) +
                               rsv_first(0) + memset_map(0, 4096, 4096) + map_delete(0) +
                               op("reservation_delete", 0, 1)),
    "pmem2-pair-maps": (open_fd(0, "shm", SIZE_2M) + source_fd(0, 0) + source_anon(1, SIZE_2M) +
                        config_new(0) + config_gran(0, GRAN_PAGE) + config_new(1) + config_gran(1, GRAN_PAGE) +
                        op("pair_map_new", 0, 1, 0, 1, 0, 1) + op("pair_delete_and_find", 0, 1, maybe(-1), SIZE_0, SIZE_0)),
    "pmemset-temporary": (set_config_new(0) + set_config_gran(0, GRAN_PAGE) + set_config_callback(0) +
                          set_reenter() + set_new(0, 0) + set_source_temp_shm(0) +
                          part_new(0, 0, 0, SIZE_0, SIZE_2M) + part_map(0) +
                          part_new(1, 0, 0, SIZE_2M, SIZE_2M) + op("pair_part_map_and_iterate", 1) +
                          ref_first(0, 0) + set_memset(0) + set_persist(0) + ref_drop(0) +
                          op("pair_remove_and_iterate", 0, 0, u32(0), 1) + remove_whole(0)),
    "pmemset-from-pmem2-reservation": (open_fd(0, "tmp", size_2m_times(2)) + source_fd(0, 0) +
                                       rsv_new(0, size_2m_times(8)) + set_config_new(0) +
                                       set_config_gran(0, GRAN_PAGE) + op("set_config", maybe(0), 3, maybe(0)) +
                                       set_new(0, 0) + set_source_pmem2(0, 0) +
                                       part_new(0, 0, 0, SIZE_0, SIZE_2M) + part_map(0) + rsv_first(0) +
                                       ref_first(0, 0) + op("remove_part_map", 0, maybe(0), 1)),
    "pmem2-from-existing": (open_fd(0, "tmp", SIZE_2M) + source_fd(0, 0) +
                            op("region", 0, 0, u32(0), 0, u32(65536)) +
                            op("map_from_existing", 0, maybe(0), 0, enum(GRAN_PAGE), SIZE_0, 2,
                               u32(0), 1, u32(0), 1, 1, 1) +
                            memset_map(0, 0, 4096) + persist_map(0, 0, 4096) +
                            op("map_from_existing", 1, maybe(0), 0, enum(GRAN_PAGE), SIZE_PAGE, 1, 1) +
                            map_delete(0)),
    "pmem2-reservation-resize": (rsv_new(0, size_2m_times(4)) +
                                 op("reservation_resize", maybe(0), SIZE_2M, SIZE_0, 1) +
                                 op("reservation_resize", maybe(0), SIZE_2M, SIZE_0, 0) +
                                 source_anon(0, SIZE_2M) + config_new(0) + config_gran(0, GRAN_PAGE) +
                                 config_rsv(0, 0, SIZE_2M) + map_new(0, 0, 0) +
                                 config_rsv(0, 0, SIZE_0) + map_new(1, 0, 0) +
                                 op("reservation_find", maybe(0), 255, 3, maybe(0), 1) +
                                 op("reservation_find", maybe(0), 255, 3, maybe(1), 0) +
                                 op("reservation_resize", maybe(0), SIZE_2M, SIZE_0, 0) +
                                 rsv_new(1, SIZE_2M) + op("reservation_new", 2, 2, 0, 0, 1, SIZE_2M, 1)),
    "pmem2-badblocks-deep-flush": (open_fd(0, "tmp", SIZE_2M) + source_fd(0, 0) +
                                   op("badblocks", 0, maybe(0), 0, 1) + op("badblocks", 0, maybe(0), 1, 1) +
                                   op("badblocks", 0, maybe(0), 2, SIZE_0, SIZE_PAGE, 1) +
                                   op("badblocks", 0, maybe(0), 3, 1) +
                                   config_new(0) + config_gran(0, GRAN_PAGE) + map_new(0, 0, 0) +
                                   op("deep_flush", maybe(0), SIZE_PAGE, [0, 0]) +
                                   op("source_query", maybe(0), 255, 3, 64, 0) +
                                   op("source_io", maybe(0), 1, SIZE_PAGE, SIZE_0, 1) +
                                   op("force_granularity", 1) + map_new(1, 0, 0)),
    "pmemset-remove-range-split": (set_config_new(0) + set_config_gran(0, GRAN_PAGE) + set_new(0, 0) +
                                   set_source_temp_shm(0) + part_new(0, 0, 0, SIZE_0, size_2m_times(3)) +
                                   part_map(0) +
                                   op("remove_range", maybe(0), SIZE_2M, 1, 0, u32(2 * 1024 * 1024), 1, 0) +
                                   ref_first(0, 0) + op("refs", 0, maybe(0), 1, 1) + ref_drop(0) + ref_drop(1) +
                                   op("set_settings", maybe(0), 0, 1) + op("set_new_delete", 0, 0, 1, 1)),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    os.makedirs(out, exist_ok=True)
    for name, program in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes(program))


if __name__ == "__main__":
    main()

/*
 * This file is part of gr-ecdisc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef ECDISC_KERNEL_SECTOR_FORMAT_H
#define ECDISC_KERNEL_SECTOR_FORMAT_H

#include "reed_solomon.h"
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ecdisc {

/*
 * Sector format and ECC cluster (modelled on BD's LDC cluster, scaled by
 * parameters; defaults in media/format_default.yml, which is also the
 * built-in default).
 *
 * Sector: user_bytes user bytes, then the sector number (4 bytes, big-endian,
 * the low 32 bits of the number) and a CRC-32 (lib/crc32, 4 bytes,
 * big-endian) over the user bytes and the sector number: user_bytes + 8
 * bytes (2056 by default).
 *
 * Cluster: sectors_per_cluster (S) sectors back to back, (user_bytes + 8) * S
 * bytes, laid column-wise into a k-row matrix padded with zeros to whole
 * columns: columns C = ceil((user_bytes + 8) * S / k). Byte d of the sector
 * stream is row d % k of column d / k. Each column gets nroots parity bytes
 * and is one RS(n, k) codeword (lib/reed_solomon, prim 1). Recorded order
 * (long-distance interleave): the n x C matrix read row by row, row i
 * cyclically shifted left by (i * row_shift) mod C:
 *     recorded[i * C + q] = codeword[(q + i * row_shift) mod C][i].
 * With row_shift 0 (the default) a burst of B contiguous recorded bytes
 * puts at most ceil(B / C) bytes into any codeword; a nonzero shift can add
 * one more (the two partial rows at the ends of the burst may overlap in
 * columns), so 0 is the default; the shift exists for experiments with
 * defects periodic in C. Cluster bytes = n * C (75640 by default: C = 305).
 *
 * Decode: de-interleave (erasure flags likewise), RS-decode each codeword
 * (errors and erasures, 2e + f <= n - k), reject a codeword whose zero
 * padding comes out nonzero (a mis-correction), rebuild the sectors and
 * check each CRC-32 and the sector numbers: the numbers of the sectors of
 * one cluster must be consecutive (number - index agrees among the sectors
 * whose CRC holds; the base held by most of them wins, the others fail).
 * Per sector: ok (0), corrected (> 0: bytes of that sector corrected by the
 * RS decoder; parity corrections count for no sector), or failed (-1: a
 * CRC mismatch, a number out of sequence, or any failed codeword holding
 * one of its bytes). A failed sector's user bytes are output as zeros,
 * never as data.
 */

//! a sector's status in cluster_decode_result::status when it failed
constexpr int sector_failed = -1;

//! The parameters of a sector format (the keys of media/format_default.yml).
struct sector_format_config {
    std::string name = "ecdisc-default-format";
    int user_bytes = 2048;        //!< user bytes per sector, 1..65536
    int sectors_per_cluster = 32; //!< S, 1..1024
    int rs_n = 248;               //!< RS codeword bytes, 2..255
    int rs_k = 216;               //!< RS data bytes, 1..n-1
    int gf_poly = 285;            //!< primitive polynomial, degree 8
    int fcr = 0;                  //!< first consecutive root, 0..254
    int row_shift = 0;            //!< interleave shift per row, 0..columns-1
};

/*! Parses a format file's text strictly (unknown keys, wrong types and out of
 *  range values throw std::invalid_argument naming source and key).
 *  source names the text in messages. */
sector_format_config parse_sector_format_yaml(const std::string& text,
                                              const std::string& source);
//! path "" gives the built-in default; throws "format_file = <path>: ..."
sector_format_config load_sector_format(const std::string& path);
//! the text of media/format_default.yml, embedded at build time
const std::string& default_sector_format_yaml();
sector_format_config default_sector_format();

//! The outcome of decoding one cluster.
struct cluster_decode_result {
    //! per sector: 0 ok, > 0 bytes corrected, sector_failed (-1)
    std::vector<int> status;
    //! per sector: its number (low 32 bits); for a failed sector the number
    //! inferred from the others, valid only when number_known
    std::vector<uint32_t> number;
    //! false when no sector of the cluster could be read (numbers unknown)
    bool number_known = false;
    int codewords_failed = 0;
    long symbols_corrected = 0; //!< all bytes corrected, parity included
    int sectors_failed = 0;
    int sectors_corrected = 0;
};

class sector_format
{
public:
    //! Bad parameters throw std::invalid_argument naming the parameter.
    explicit sector_format(const sector_format_config& c = default_sector_format());

    const sector_format_config& config() const { return d_c; }
    int user_bytes() const { return d_c.user_bytes; }
    int sectors() const { return d_c.sectors_per_cluster; }
    //! user_bytes + 8
    int sector_bytes() const { return d_c.user_bytes + 8; }
    //! user bytes per cluster: user_bytes * S
    size_t cluster_user_bytes() const { return d_user; }
    //! RS codewords per cluster
    int columns() const { return d_cols; }
    //! recorded bytes per cluster: n * columns
    size_t cluster_bytes() const { return d_cluster; }
    const reed_solomon& rs() const { return d_rs; }

    //! recorded index of byte `row` (0..n-1) of codeword `col` (0..C-1)
    size_t recorded_index(int row, int col) const;

    /*! Builds one sector: user_bytes bytes in, sector_bytes() out. */
    void build_sector(const uint8_t* user, uint32_t number, uint8_t* sector) const;

    /*! One cluster: cluster_user_bytes() user bytes in, cluster_bytes()
     *  recorded bytes out; the sectors are numbered first_sector,
     *  first_sector + 1, ... (mod 2^32). */
    void encode(const uint8_t* user, uint32_t first_sector, uint8_t* cluster);

    /*! Decodes one cluster of cluster_bytes() recorded bytes into
     *  cluster_user_bytes() user bytes (a failed sector's bytes are zeros).
     *  erasures: cluster_bytes() flags in recorded order (nonzero = erased),
     *  or null. Not reentrant (scratch buffers): one object per thread. */
    cluster_decode_result
    decode(const uint8_t* cluster, const uint8_t* erasures, uint8_t* user);

private:
    sector_format_config d_c;
    reed_solomon d_rs;
    int d_cols;
    size_t d_user, d_stream, d_cluster;
    std::vector<uint8_t> d_cw;         // C codewords, each n bytes contiguous
    std::vector<uint8_t> d_stream_buf; // the sectors back to back, padded to C * k
    std::vector<uint8_t> d_orig;       // a codeword before correction
    std::vector<uint8_t> d_flags;      // de-interleaved erasure flags
    std::vector<int> d_row_offset;     // (i * row_shift) mod C per row
};

} // namespace ecdisc

#endif

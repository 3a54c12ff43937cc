//! A gzip writer that does not waste time on incompressible data.
//!
//! Real layers are full of bytes that deflate cannot shrink (compressed sections of binaries,
//! JPEGs, jars, `.gz` files), yet deflate still searches them for matches. This writer measures
//! each 16 KiB block's byte entropy: near-random blocks are written as deflate *stored* blocks
//! (a copy), the rest is compressed by zlib-rs at level 2 (level 1 in zlib-rs uses only static Huffman
//! codes, which inflate random bytes that share a block with text). A compressed run ends with a full
//! flush — byte-aligned, with no back-references across it — so stored blocks can follow it in
//! the same deflate stream. The output is one ordinary gzip member any reader accepts, and it is
//! deterministic: the same input always gives the same bytes (and digest).

use std::io::{self, Write};

use flate2::{Compress, Compression, FlushCompress};

const BLOCK: usize = 16 << 10;
/// Bits per byte above which a block is treated as incompressible. Random data over 16 KiB
/// measures ≈ 7.99; text ≈ 4–5; machine code ≈ 6.
const INCOMPRESSIBLE_BITS: f64 = 7.95;
const LEVEL: u32 = 2;
const MAX_STORED: usize = 65_535;

pub struct AdaptiveGzip<W: Write> {
    inner: W,
    deflate: Compress,
    crc: crc32fast::Hasher,
    input_len: u64,
    pending: Vec<u8>,
    out: Vec<u8>,
    /// zlib holds input or output of a compressed run that has not been flushed yet.
    in_compressed_run: bool,
}

impl<W: Write> AdaptiveGzip<W> {
    pub fn new(mut inner: W) -> io::Result<Self> {
        // Fixed header: no name, no mtime (0), unknown OS — so output depends only on input.
        inner.write_all(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])?;
        Ok(Self {
            inner,
            deflate: Compress::new(Compression::new(LEVEL), false),
            crc: crc32fast::Hasher::new(),
            input_len: 0,
            pending: Vec::with_capacity(BLOCK),
            out: Vec::with_capacity(2 * BLOCK),
            in_compressed_run: false,
        })
    }

    /// Feeds `input` to zlib with `flush`, writing everything it produces.
    fn run_zlib(&mut self, mut input: &[u8], flush: FlushCompress) -> io::Result<()> {
        loop {
            self.out.clear();
            let before = self.deflate.total_in();
            self.deflate
                .compress_vec(input, &mut self.out, flush)
                .map_err(io::Error::other)?;
            input = &input[(self.deflate.total_in() - before) as usize..];
            self.inner.write_all(&self.out)?;
            // Done when the input is used up and zlib had room to spare (nothing left inside).
            if input.is_empty() && self.out.len() < self.out.capacity() {
                return Ok(());
            }
        }
    }

    fn process_block(&mut self, len: usize) -> io::Result<()> {
        let block = std::mem::take(&mut self.pending);
        let result = if entropy_bits(&block[..len]) > INCOMPRESSIBLE_BITS {
            self.store(&block[..len])
        } else {
            self.in_compressed_run = true;
            self.run_zlib(&block[..len], FlushCompress::None)
        };
        self.pending = block;
        self.pending.clear();
        result
    }

    fn store(&mut self, data: &[u8]) -> io::Result<()> {
        if self.in_compressed_run {
            self.run_zlib(&[], FlushCompress::Full)?;
            self.in_compressed_run = false;
        }
        for piece in data.chunks(MAX_STORED) {
            let len = piece.len() as u16;
            // BFINAL=0, BTYPE=00 (stored), padded to the byte boundary we are already on.
            let mut header = [0u8; 5];
            header[1..3].copy_from_slice(&len.to_le_bytes());
            header[3..5].copy_from_slice(&(!len).to_le_bytes());
            self.inner.write_all(&header)?;
            self.inner.write_all(piece)?;
        }
        Ok(())
    }

    /// Ends the deflate stream and writes the gzip trailer; returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        let len = self.pending.len();
        if len > 0 {
            self.process_block(len)?;
        }
        // zlib's final block; after stored blocks it starts byte-aligned with an empty bit buffer.
        self.run_zlib(&[], FlushCompress::Finish)?;
        let crc = self.crc.clone().finalize();
        self.inner.write_all(&crc.to_le_bytes())?;
        self.inner
            .write_all(&(self.input_len as u32).to_le_bytes())?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for AdaptiveGzip<W> {
    fn write(&mut self, mut data: &[u8]) -> io::Result<usize> {
        let written = data.len();
        self.crc.update(data);
        self.input_len += data.len() as u64;
        while !data.is_empty() {
            let take = (BLOCK - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == BLOCK {
                self.process_block(BLOCK)?;
            }
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Shannon entropy of the block's byte distribution, in bits per byte.
fn entropy_bits(block: &[u8]) -> f64 {
    if block.is_empty() {
        return 0.0;
    }
    // Four interleaved histograms let the CPU count without store-to-load stalls.
    let mut hist = [[0u32; 256]; 4];
    let mut chunks = block.chunks_exact(4);
    for c in &mut chunks {
        hist[0][usize::from(c[0])] += 1;
        hist[1][usize::from(c[1])] += 1;
        hist[2][usize::from(c[2])] += 1;
        hist[3][usize::from(c[3])] += 1;
    }
    for &b in chunks.remainder() {
        hist[0][usize::from(b)] += 1;
    }
    let n = block.len() as f64;
    (0..256)
        .map(|i| hist[0][i] + hist[1][i] + hist[2][i] + hist[3][i])
        .filter(|&c| c > 0)
        .map(|c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn noise(len: usize, mut state: u64) -> Vec<u8> {
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect()
    }

    fn roundtrip(input: &[u8], write_size: usize) -> Vec<u8> {
        let mut gz = AdaptiveGzip::new(Vec::new()).unwrap();
        for chunk in input.chunks(write_size.max(1)) {
            gz.write_all(chunk).unwrap();
        }
        let compressed = gz.finish().unwrap();
        // A single-member decoder must read all of it: one gzip member, not several.
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert!(
            plain == input,
            "round trip changed {} bytes of input",
            input.len()
        );
        compressed
    }

    #[test]
    fn mixed_content_round_trips_as_one_member_and_shrinks() {
        let mut input = Vec::new();
        for i in 0..40u64 {
            input.extend(noise(100_000 + i as usize * 777, i + 1));
            input
                .extend(b"the quick brown fox jumps over the lazy dog\n".repeat(2000 + i as usize));
        }
        let compressed = roundtrip(&input, 1 << 20);
        let random_part = (0..40).map(|i| 100_000 + i * 777).sum::<usize>();
        assert!(
            compressed.len() < random_part + random_part / 50,
            "text must compress"
        );
        // Same input, different write sizes: identical bytes (digests must be reproducible).
        assert_eq!(roundtrip(&input, 4096), compressed);
        assert_eq!(roundtrip(&input, 1), roundtrip(&input[..], 1_000_003));
    }

    #[test]
    fn edge_sizes_round_trip() {
        for len in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK] {
            roundtrip(&noise(len, 9), 10_000);
            roundtrip(&vec![b'a'; len], 10_000);
        }
    }

    #[test]
    fn entropy_separates_noise_from_text() {
        assert!(entropy_bits(&noise(BLOCK, 3)) > INCOMPRESSIBLE_BITS);
        assert!(entropy_bits(&b"some text ".repeat(BLOCK / 10)) < 4.0);
        assert_eq!(entropy_bits(&[]), 0.0);
    }
}

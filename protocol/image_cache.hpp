// The display channel's two caches, filled and emptied on the server's word:
// decoded images (pixmaps: SPICE_IMAGE_FLAGS_CACHE_ME, FROM_CACHE,
// INVAL_LIST, INVAL_ALL_PIXMAPS) and palettes (PAL_CACHE_ME, PAL_FROM_CACHE,
// INVAL_PALETTE, INVAL_ALL_PALETTES).
//
// The server keeps the pixmap cache within the size the client announced in
// DISPLAY_INIT and invalidates entries before it reuses room. Both caches are
// still bounded here, in entries and bytes, so a server that breaks that
// promise costs evictions (oldest first, counted), never unbounded memory:
// the pixmap cache counts each entry as its pixels (4 bytes each) plus
// entry_overhead_bytes, so empty masks cannot pile up; the palette cache
// holds at most max_palettes palettes of at most 256 entries (the parser
// refuses larger ones). The images' memory is charged to the channel's
// budget by whoever decoded them (image_decoder).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "protocol/codecs/decoded_image.hpp"

namespace vigil::protocol {

class pixmap_cache {
public:
  struct entry {
    std::shared_ptr<const decoded_image> image;
    bool lossy = false;  // decoded from JPEG: FROM_CACHE_LOSSLESS may not use it
    std::uint64_t put_number = 0;
  };

  // What one entry costs besides its pixels: the map node, the order entry,
  // the image's own header and shared_ptr control block.
  static constexpr std::uint64_t entry_overhead_bytes = 256;

  // Holds at most max_pixels * 4 bytes by that count (besides the newest entry).
  explicit pixmap_cache(std::uint64_t max_pixels);

  // Stores or replaces `id`, evicting the oldest entries while over the limit.
  void put(std::uint64_t id, std::shared_ptr<const decoded_image> image, bool lossy);
  const entry* find(std::uint64_t id) const;
  void remove(std::uint64_t id);
  void clear();

  std::size_t size() const { return entries_.size(); }
  std::uint64_t pixels_held() const { return pixels_held_; }
  std::uint64_t bytes_held() const { return bytes_held_; }
  std::uint64_t evictions() const { return evictions_; }

private:
  void evict_oldest();
  void drop_stale_order();

  std::uint64_t max_bytes_;
  std::uint64_t pixels_held_ = 0;
  std::uint64_t bytes_held_ = 0;
  std::uint64_t evictions_ = 0;
  std::uint64_t puts_ = 0;
  std::map<std::uint64_t, entry> entries_;
  // (id, put number) in put order; a pair whose entry was removed or put
  // again since is stale and skipped.
  std::deque<std::pair<std::uint64_t, std::uint64_t>> put_order_;
};

class palette_cache {
public:
  // The reference server never keeps more than a few hundred palettes cached.
  static constexpr std::size_t max_palettes = 1024;

  void put(std::uint64_t id, std::vector<std::uint32_t> entries);
  const std::vector<std::uint32_t>* find(std::uint64_t id) const;
  void remove(std::uint64_t id);
  void clear();
  std::size_t size() const { return palettes_.size(); }

private:
  std::map<std::uint64_t, std::vector<std::uint32_t>> palettes_;
  std::deque<std::uint64_t> insertion_order_;
};

}  // namespace vigil::protocol

// Decode throughput of every image codec on the payloads captured from real
// servers under tests/data/codecs (their READMEs say how they were made): one
// benchmark per codec and image, named CODEC/file. Bytes processed are the
// decoded pixels (width * height * 4), so bytes_per_second is MB/s of output.
// JPEG_ONTO_* decode an MJPEG frame straight into a surface's rows.
// A GLZ image that matches into earlier images is timed with a window already
// holding them, as a session's would.
//
// After Google Benchmark's own output, a Markdown table of the results for
// docs/performance.md: the median and the fastest repetition (CPU time) when
// --benchmark_repetitions > 1, MB = 10^6 bytes (the console's M/s and G/s are
// binary multiples). The fastest is shown because on a shared machine
// interference only ever adds time.
#include <benchmark/benchmark.h>
#include <spice/enums.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/codecs/bitmap.hpp"
#include "protocol/codecs/glz.hpp"
#include "protocol/codecs/jpeg.hpp"
#include "protocol/codecs/lz.hpp"
#include "protocol/codecs/lz4.hpp"
#include "protocol/codecs/quic.hpp"

namespace {

using vigil::protocol::bytes;
using vigil::protocol::decoded_image;
using vigil::protocol::result;

// A file under tests/data/codecs, inflated when it ends in ".gz"; empty when
// it cannot be read.
bytes read_payload(const std::string& relative) {
  const std::string path = std::string(VIGIL_CODEC_DATA_DIR) + "/" + relative;
  bytes data;
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr)
      return data;
    std::uint8_t buffer[65536];
    int got;
    while ((got = gzread(file, buffer, sizeof(buffer))) > 0)
      data.insert(data.end(), buffer, buffer + got);
    gzclose(file);
  } else {
    std::ifstream file(path, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(file), {});
  }
  return data;
}

using decoder = std::function<result<decoded_image>(const bytes&)>;

// What the table says about each benchmark besides its timing.
struct case_info {
  std::string codec;
  std::string file;
  std::string size;  // "WxH", empty when the image did not decode
  std::size_t input_bytes = 0;
  std::size_t output_bytes = 0;
};
std::map<std::string, case_info> cases;  // by benchmark name
std::vector<std::string> case_order;

// Reads the payload, decodes it once to learn the output size (and that it
// decodes at all), and registers the timed loop.
void register_case(const std::string& codec, const std::string& file, decoder decode) {
  const std::string file_name = file.substr(file.find('/') + 1);  // without the codec directory
  const std::string name = codec + "/" + file_name;
  auto payload = std::make_shared<bytes>(read_payload(file));
  std::string problem;
  std::size_t output_bytes = 0;
  std::string label;
  case_info info{codec, file_name, "", payload->size(), 0};
  if (payload->empty()) {
    problem = "cannot read " + file;
  } else if (auto first = decode(*payload); !first) {
    problem = first.error().message;
  } else {
    output_bytes = std::size_t{first->width} * first->height * sizeof(std::uint32_t);
    char text[96];
    std::snprintf(text, sizeof(text), "%ux%u, %zu B in, %.1f:1", first->width, first->height, payload->size(),
                  static_cast<double>(output_bytes) / static_cast<double>(payload->size()));
    label = text;
    info.size = std::to_string(first->width) + "x" + std::to_string(first->height);
    info.output_bytes = output_bytes;
  }
  cases[name] = info;
  case_order.push_back(name);
  benchmark::RegisterBenchmark(name.c_str(), [payload, decode, problem, output_bytes, label](benchmark::State& state) {
    if (!problem.empty()) {
      state.SkipWithError(problem.c_str());
      return;
    }
    for (auto _ : state) {
      auto decoded = decode(*payload);
      benchmark::DoNotOptimize(decoded->pixels.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(output_bytes));
    state.SetLabel(label);
  })->ComputeStatistics("min", [](const std::vector<double>& values) {
    return *std::min_element(values.begin(), values.end());
  });
}

// The GLZ dictionary window of a session that has decoded `earlier` (in order).
std::shared_ptr<vigil::protocol::glz_window> window_after(
    const std::vector<std::string>& earlier,
    result<decoded_image> (*decode)(const std::uint8_t*, std::size_t, vigil::protocol::glz_window&)) {
  auto window = std::make_shared<vigil::protocol::glz_window>(std::size_t{1} << 22);
  for (const auto& file : earlier) {
    const bytes payload = read_payload(file);
    (void)decode(payload.data(), payload.size(), *window);  // a failure shows in the timed image's own decode
  }
  return window;
}

// Image ids 0..count-1 of one GLZ series `prefix<id><extension>`; image N is
// timed against a window holding 0..N-1.
void register_glz_series(const std::string& codec, const std::string& prefix, int count, const std::string& extension,
                         result<decoded_image> (*decode)(const std::uint8_t*, std::size_t,
                                                         vigil::protocol::glz_window&)) {
  std::vector<std::string> earlier;
  for (int id = 0; id < count; ++id) {
    const std::string file = prefix + std::to_string(id) + extension;
    auto window = window_after(earlier, decode);
    register_case(codec, file,
                  [window, decode](const bytes& payload) { return decode(payload.data(), payload.size(), *window); });
    earlier.push_back(file);
  }
}

void register_quic() {
  for (const char* file :
       {"quic/qemu-seabios-rgb32-720x400.quic", "quic/server-gradient-rgb32-640x480.quic",
        "quic/server-gradient-rgb32-64x64.quic", "quic/server-photo-rgb32-256x256.quic",
        "quic/server-text-line-rgb32-640x24.quic", "quic/server-text-rgb32-320x120.quic",
        "quic/bench-fullscreen-rgb32-1920x1080.quic.gz"})
    register_case("QUIC", file, [](const bytes& payload) {
      return vigil::protocol::decode_quic(payload.data(), payload.size());
    });
}

void register_lz() {
  for (const char* file : {"lz/qemu-seabios-720x400-rgb32.lz", "lz/qemu-cursor-9x2-rgb32.lz",
                           "lz/server-text-608x104-rgb32.lz", "lz/server-text-320x120-rgb32.lz"})
    register_case("LZ_RGB", file, [](const bytes& payload) {
      return vigil::protocol::decode_lz_rgb(payload.data(), payload.size());
    });
}

void register_glz() {
  register_glz_series("GLZ_RGB", "glz/qemu-cursor-id", 4, ".glz", vigil::protocol::decode_glz_rgb);
  register_glz_series("GLZ_RGB", "glz/server-text-id", 5, ".glz", vigil::protocol::decode_glz_rgb);
  register_glz_series("ZLIB_GLZ_RGB", "glz/server-text-id", 5, ".zlib-glz", vigil::protocol::decode_zlib_glz_rgb);
}

void register_lz4() {
  // LZ4 payloads carry no size: it comes from the image descriptor.
  struct sized {
    const char* file;
    std::uint32_t width, height;
  };
  for (const sized& image : {sized{"lz4/server-black-640x480.lz4", 640, 480},
                             sized{"lz4/server-text-608x104.lz4", 608, 104}})
    register_case("LZ4", image.file, [image](const bytes& payload) {
      return vigil::protocol::decode_lz4(payload.data(), payload.size(), image.width, image.height);
    });
}

void register_jpeg() {
  for (const char* file : {"jpeg/server-photo-80x192.jpg", "jpeg/server-video-frame-320x240.mjpeg"})
    register_case("JPEG", file, [](const bytes& payload) {
      return vigil::protocol::decode_jpeg(payload.data(), payload.size());
    });
}

// A small MJPEG stream's frame decoded straight into a 1024x768 surface
// (decode_jpeg_onto, as the display channel does), onto rows that start
// 32-byte aligned (libjpeg-turbo would write them with non-temporal stores:
// they go through staging rows) and 4 bytes past that (written directly).
void register_jpeg_onto() {
  for (const bool aligned : {true, false}) {
    auto surface = std::make_shared<std::vector<std::uint32_t>>(std::size_t{1024} * 768 + 8);
    const auto start = reinterpret_cast<std::uintptr_t>(surface->data() + 100 * 1024 + 64) / 4;
    const std::size_t first = 100 * 1024 + 64 + (8 - start % 8 + (aligned ? 0 : 1)) % 8;
    register_case(aligned ? "JPEG_ONTO_ALIGNED_ROWS" : "JPEG_ONTO_MISALIGNED_ROWS",
                  "jpeg/server-video-frame-320x240.mjpeg", [surface, first](const bytes& payload) -> result<decoded_image> {
                    const vigil::protocol::pixel_rows rows{surface->data() + first, 1024, 320, 240};
                    auto written = vigil::protocol::decode_jpeg_onto(payload.data(), payload.size(), rows,
                                                                     vigil::protocol::jpeg_accuracy::fast);
                    if (!written)
                      return written.error();
                    decoded_image size_only;  // the pixels are in the surface
                    size_only.width = rows.width;
                    size_only.height = rows.height;
                    return size_only;
                  });
  }
}

void register_bitmap() {
  struct sized {
    const char* file;
    std::uint32_t width, height;
  };
  for (const sized& image : {sized{"bitmap/qemu-seabios-720x400-32bit-topdown.bin.gz", 720, 400},
                             sized{"bitmap/qemu-cursor-9x2-32bit-topdown.bin", 9, 2}}) {
    vigil::protocol::bitmap_layout layout;
    layout.format = SPICE_BITMAP_FMT_32BIT;
    layout.top_down = true;
    layout.width = image.width;
    layout.height = image.height;
    layout.stride = image.width * 4;
    register_case("BITMAP", image.file, [layout](const bytes& payload) {
      return vigil::protocol::decode_bitmap(layout, payload.data(), payload.size(), {});
    });
  }
}

// Google Benchmark's console output, then the Markdown table.
class table_reporter : public benchmark::ConsoleReporter {
public:
  // Colours only on a terminal, as Google Benchmark's own reporter does.
  table_reporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_Color : OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const std::string& name = run.run_name.function_name;
      // One row per benchmark: its median and fastest repetition when
      // repeated, else its only run as both.
      if (run.run_type != Run::RT_Aggregate) {
        medians_.emplace(name, run);
        fastest_.emplace(name, run);
      } else if (run.aggregate_name == "median") {
        medians_.insert_or_assign(name, run);
      } else if (run.aggregate_name == "min") {
        fastest_.insert_or_assign(name, run);
      }
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::ostream& out = GetOutputStream();
    out << "\n| codec | image | size | input bytes | output:input | CPU us per image (median) | MB/s (median) | "
           "Mpixel/s (median) | MB/s (fastest) |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    for (const std::string& name : case_order) {
      const auto median = medians_.find(name);
      if (median == medians_.end())
        continue;  // filtered out
      const case_info& info = cases.at(name);
      out << "| " << info.codec << " | " << info.file << " | ";
      if (median->second.error_occurred) {
        out << "error: " << median->second.error_message << " | | | | | | |\n";
        continue;
      }
      const double seconds = cpu_seconds(median->second);
      const double fastest_seconds = cpu_seconds(fastest_.at(name));
      char cells[200];
      std::snprintf(cells, sizeof(cells), "%s | %zu | %.1f:1 | %.2f | %.0f | %.1f | %.0f |", info.size.c_str(),
                    info.input_bytes, static_cast<double>(info.output_bytes) / static_cast<double>(info.input_bytes),
                    seconds * 1e6, rate(info.output_bytes, seconds) / 1e6, rate(info.output_bytes, seconds) / 4e6,
                    rate(info.output_bytes, fastest_seconds) / 1e6);
      out << cells << "\n";
    }
  }

private:
  static double cpu_seconds(const Run& run) {
    return run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
  }
  static double rate(std::size_t bytes, double seconds) {
    return seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
  }

  std::map<std::string, Run> medians_;
  std::map<std::string, Run> fastest_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  register_quic();
  register_lz();
  register_glz();
  register_lz4();
  register_jpeg();
  register_jpeg_onto();
  register_bitmap();
  table_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

// The dominant frequency of a stretch of audio, by Goertzel's algorithm (one
// DFT bin at any frequency, no FFT): a coarse scan in 5 Hz steps, then a
// 0.1 Hz scan around the best. Used by the playback tests to check that the
// decoded PCM is the test server's sine tone. Header-only: the unit tests
// and the integration tests both use it.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace vigil::test {

struct tone_estimate {
  double frequency_hz = 0;
  // The tone's share of the signal's energy: about 1 for a pure sine, near 0 for noise.
  double share = 0;
  double rms = 0;  // in sample units (full scale 32767)
};

inline double goertzel_power(const std::vector<double>& x, double rate, double frequency) {
  const double omega = 2 * M_PI * frequency / rate;
  const double coefficient = 2 * std::cos(omega);
  double s1 = 0, s2 = 0;
  for (double sample : x) {
    const double s0 = sample + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

// `interleaved` samples with `channels` channels; channel `channel` is analysed.
inline tone_estimate dominant_tone(const std::vector<std::int16_t>& interleaved, unsigned channels, double rate,
                                   unsigned channel = 0, double lowest = 50, double highest = 8000) {
  std::vector<double> x;
  for (std::size_t i = channel; i < interleaved.size(); i += channels)
    x.push_back(interleaved[i]);
  tone_estimate estimate;
  if (x.empty())
    return estimate;
  double energy = 0;
  for (double sample : x)
    energy += sample * sample;
  estimate.rms = std::sqrt(energy / x.size());
  double best = -1;
  for (double f = lowest; f <= highest; f += 5) {
    const double power = goertzel_power(x, rate, f);
    if (power > best) {
      best = power;
      estimate.frequency_hz = f;
    }
  }
  const double centre = estimate.frequency_hz;
  for (double f = centre - 5; f <= centre + 5; f += 0.1) {
    const double power = goertzel_power(x, rate, f);
    if (power > best) {
      best = power;
      estimate.frequency_hz = f;
    }
  }
  estimate.share = energy > 0 ? 2 * best / (static_cast<double>(x.size()) * energy) : 0;
  return estimate;
}

}  // namespace vigil::test

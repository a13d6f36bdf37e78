#pragma once
// The Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): `# HELP` and `# TYPE` once per
// family, then one `name{label="value",...} value` line per sample. Only the writing side, which
// is all the sidecar needs; the families and their values come from the caller.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::proxy::prometheus {

using Label = std::pair<std::string_view, std::string_view>;

// A label value as the format quotes it: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);
// HELP text: backslash and newline escaped (double quotes stay as they are).
std::string escape_help(std::string_view help);
// A sample value: integers without exponent or fraction, `+Inf`, `-Inf`, `NaN`, else the
// shortest decimal that reads back as the same double.
std::string format_value(double value);
std::string format_value(std::uint64_t value);

class TextWriter {
 public:
  // Starts a family: `type` is counter, gauge or histogram.
  void family(std::string_view name, std::string_view type, std::string_view help);
  // One sample line; `name` may carry a suffix of the family's (`_bucket`, `_sum`, `_count`).
  void sample(std::string_view name, std::initializer_list<Label> labels, std::string_view value);
  void sample(std::string_view name, const std::vector<Label>& labels, std::string_view value);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  template <class Labels>
  void write_sample(std::string_view name, const Labels& labels, std::string_view value);

  std::string out_;
};

}  // namespace gatehouse::proxy::prometheus

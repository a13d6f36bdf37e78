#pragma once
// An opaque JSON value carried through unchanged (Proxy.Config, Upstream.Config, check
// definitions, CA provider config). Stored as compact text so headers need no nlohmann/json.hpp.

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace gatehouse::consul {

class RawJson {
 public:
  RawJson() = default;
  explicit RawJson(const nlohmann::json& value);

  // Empty when absent (encoded as null / omitted by the owner).
  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }
  // The parsed value; null when empty.
  nlohmann::json value() const;

  friend bool operator==(const RawJson&, const RawJson&) = default;

 private:
  std::string text_;
};

void to_json(nlohmann::json& j, const RawJson& raw);
void from_json(const nlohmann::json& j, RawJson& raw);

}  // namespace gatehouse::consul

#pragma once
// Small helpers for writing Go's `omitempty` rules in to_json functions. Included only by .cpp
// files (pulls in nlohmann/json.hpp).

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::consul {

// Go's zero time.Time, which encoding/json writes for an unset non-pointer time.
inline constexpr std::string_view kGoZeroTime = "0001-01-01T00:00:00Z";

inline std::string go_time(const std::string& rfc3339) {
  return rfc3339.empty() ? std::string{kGoZeroTime} : rfc3339;
}

template <class T>
void put_omitempty(nlohmann::json& j, const char* key, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    if (value) j[key] = value;
  } else if constexpr (std::is_arithmetic_v<T>) {
    if (value != T{}) j[key] = value;
  } else {
    if (!value.empty()) j[key] = value;
  }
}

// A Go slice or map that is nil when empty: encoded as null.
template <class Container>
nlohmann::json nil_if_empty(const Container& c) {
  if (c.empty()) return nullptr;
  return c;
}

}  // namespace gatehouse::consul

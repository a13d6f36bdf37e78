#pragma once
// Bounds the distinct values one metric label can take (each value is a time series kept for the
// life of the process and in the monitoring system): the first `limit` distinct values are kept
// as they are, every later new value is reported as `other`. Thread-safe; the common case (a
// value already admitted) takes only a shared lock.

#include <cstddef>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace gatehouse::proxy {

class LabelCap {
 public:
  static constexpr std::string_view kOther = "other";

  explicit LabelCap(std::size_t limit) : limit_(limit) {}
  LabelCap(const LabelCap&) = delete;
  LabelCap& operator=(const LabelCap&) = delete;

  // `value` itself (a view of the stored copy, valid for the cap's lifetime) or kOther.
  // `other` itself is always admitted without taking a place.
  std::string_view admit(std::string_view value);

  std::size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::size_t limit_;
  mutable std::shared_mutex mutex_;
  std::unordered_set<std::string, Hash, std::equal_to<>> admitted_;  // guarded by mutex_
};

}  // namespace gatehouse::proxy

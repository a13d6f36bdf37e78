#include "proxy/label_cap.hpp"

#include <mutex>

namespace gatehouse::proxy {

std::string_view LabelCap::admit(std::string_view value) {
  if (value == kOther) return kOther;
  {
    const std::shared_lock lock{mutex_};
    // unordered_set never moves its elements, so the view stays valid after the lock.
    if (const auto it = admitted_.find(value); it != admitted_.end()) return *it;
    if (admitted_.size() >= limit_) return kOther;
  }
  const std::unique_lock lock{mutex_};
  if (const auto it = admitted_.find(value); it != admitted_.end()) return *it;
  if (admitted_.size() >= limit_) return kOther;
  return *admitted_.emplace(value).first;
}

std::size_t LabelCap::size() const {
  const std::shared_lock lock{mutex_};
  return admitted_.size();
}

}  // namespace gatehouse::proxy

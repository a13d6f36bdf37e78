#include "proxy/watch_health.hpp"

namespace gatehouse::proxy {

namespace {

WatchHealth::WatchState& state_of(std::map<std::string, WatchHealth::WatchState, std::less<>>& m,
                                  std::string_view watch) {
  if (const auto it = m.find(watch); it != m.end()) return it->second;
  return m.emplace(std::string{watch}, WatchHealth::WatchState{}).first->second;
}

}  // namespace

void WatchHealth::success(std::string_view watch) {
  const auto now = std::chrono::system_clock::now();
  const std::lock_guard lock{mutex_};
  auto& state = state_of(watches_, watch);
  state.last_success = now;
  state.failing = false;
}

void WatchHealth::failure(std::string_view watch, std::string_view error) {
  const std::lock_guard lock{mutex_};
  auto& state = state_of(watches_, watch);
  ++state.errors;
  state.last_error = std::string{error};
  state.failing = true;
}

std::map<std::string, WatchHealth::WatchState, std::less<>> WatchHealth::snapshot() const {
  const std::lock_guard lock{mutex_};
  return watches_;
}

}  // namespace gatehouse::proxy

#pragma once
// Who else hears about each finished connection besides the log: the metrics and the decision
// stream subscribe here. Observers are added at startup, before any worker runs, and only read
// afterwards, so notify() needs no lock; each observer guards its own state.

#include <functional>
#include <utility>
#include <vector>

#include "proxy/decision_log.hpp"

namespace gatehouse::proxy {

class ConnObservers {
 public:
  using Observer = std::function<void(const ConnRecord&)>;

  // Startup only (before the workers start).
  void add(Observer observer) { observers_.push_back(std::move(observer)); }

  // From any worker thread, once per connection, after its `event=conn` line.
  void notify(const ConnRecord& record) const {
    for (const auto& observer : observers_) observer(record);
  }

 private:
  std::vector<Observer> observers_;
};

}  // namespace gatehouse::proxy

#pragma once
// Can the agent be asked right now? Every authorize answer and every intention-watch result says
// so; /ready reads it (a sidecar that would refuse new connections because the agent is gone is
// not ready). Thread-safe: workers and the control thread write, the admin server reads.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace gatehouse::proxy {

class AgentReachability {
 public:
  using Clock = std::chrono::steady_clock;

  struct Outage {
    std::string error;        // the last failure, as the log words it
    Clock::time_point since;  // the first failure of this outage
  };

  void reached() {
    const std::lock_guard lock{mutex_};
    outage_.reset();
  }

  void failed(std::string error) {
    const std::lock_guard lock{mutex_};
    if (outage_) {
      outage_->error = std::move(error);
    } else {
      outage_ = Outage{std::move(error), Clock::now()};
    }
  }

  // nullopt while the last word from the agent was an answer.
  std::optional<Outage> outage() const {
    const std::lock_guard lock{mutex_};
    return outage_;
  }

 private:
  mutable std::mutex mutex_;
  std::optional<Outage> outage_;  // guarded by mutex_
};

}  // namespace gatehouse::proxy

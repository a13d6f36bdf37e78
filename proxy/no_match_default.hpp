#pragma once
// What the agent answers when no intention matches: its `default_intention_policy`, else its ACL
// default (agent/agent_endpoint.go AgentConnectAuthorize). Neither is readable without agent:read,
// so local authorization learns it from the agent itself: the first connection that matches no
// intention is asked of the agent, and an answer with a default reason (`Default intention
// policy`, `Default behavior configured by ACLs`) is the agent's default for every caller. It is
// re-learned after `ttl`, so an agent reconfigured with another default is followed. Thread-safe.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace gatehouse::proxy {

class NoMatchDefault {
 public:
  using Clock = std::chrono::steady_clock;
  struct Answer {
    bool allowed = false;
    std::string reason;
  };

  explicit NoMatchDefault(std::chrono::milliseconds ttl = std::chrono::minutes{1}) : ttl_(ttl) {}

  // Learned within the ttl (fresh) or at any time (stale use, while the agent is unreachable).
  std::optional<Answer> fresh() const { return get(true); }
  std::optional<Answer> any() const { return get(false); }

  void learn(Answer answer) {
    const std::lock_guard lock{mutex_};
    learned_ = std::move(answer);
    learned_at_ = Clock::now();
  }

 private:
  std::optional<Answer> get(bool fresh_only) const {
    const std::lock_guard lock{mutex_};
    if (fresh_only && learned_ && Clock::now() - learned_at_ > ttl_) return std::nullopt;
    return learned_;
  }

  std::chrono::milliseconds ttl_;
  mutable std::mutex mutex_;
  std::optional<Answer> learned_;  // guarded by mutex_
  Clock::time_point learned_at_;   // guarded by mutex_
};

}  // namespace gatehouse::proxy

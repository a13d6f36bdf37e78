#pragma once
// GET /decisions (docs/decisions.md): the last N finished connections, each kept as
// one JSON line with the fields of its `event=conn` line plus `time`, and followers that hear
// each new one as it happens. Workers publish; the admin server reads and follows on the control
// thread. A follower's queue is bounded: a reader that falls behind loses lines (counted, then
// told with `{"dropped":N}`) instead of ever slowing a worker down.

#include <boost/circular_buffer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proxy/decision_log.hpp"

namespace gatehouse::proxy {

// One finished connection as the stream keeps it: the filterable fields and the line.
struct Decision {
  Outcome outcome = Outcome::failed;
  Direction direction = Direction::inbound;
  std::string src_service;
  std::string dst_service;
  std::string json;  // one JSON object, no newline
};

// `2026-12-02T15:03:33.123Z`
std::string rfc3339_utc_ms(std::chrono::system_clock::time_point time);

// `{"time":"…",` then conn_fields(record) as JSON members (the same mapping as the log line).
Decision make_decision(const ConnRecord& record, std::chrono::system_clock::time_point time);

// Which decisions a reader wants; every set field must match (empty lists and strings: any).
struct DecisionFilter {
  std::vector<Outcome> outcomes;
  std::string src_service;
  std::string dst_service;
  std::optional<Direction> direction;

  bool matches(const Decision& decision) const;
};

// One follower's bounded queue; filled by publishing workers, emptied by the admin thread.
class DecisionFollower {
 public:
  struct Batch {
    std::vector<std::shared_ptr<const Decision>> decisions;  // oldest first
    std::uint64_t dropped = 0;  // lost after `decisions` because the queue was full
    bool closed = false;        // the stream ended (drain): no more will come
  };

  // `wake` is called (from the publishing thread) when the queue turns non-empty after a
  // take() or when the stream closes; it must only schedule the reader, never block.
  DecisionFollower(DecisionFilter filter, std::size_t queue_limit, std::function<void()> wake);

  // Everything queued since the last take(), and how many were dropped in between.
  Batch take();

 private:
  friend class DecisionStream;
  void offer(const std::shared_ptr<const Decision>& decision);
  void close();

  const DecisionFilter filter_;
  const std::size_t queue_limit_;
  const std::function<void()> wake_;
  std::mutex mutex_;
  std::deque<std::shared_ptr<const Decision>> queue_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
  bool woken_ = false;  // a wake is on its way and take() has not run since
};

class DecisionStream {
 public:
  static constexpr std::size_t kDefaultFollowerQueue = 1024;

  explicit DecisionStream(std::size_t capacity, std::size_t follower_queue = kDefaultFollowerQueue);

  // Any thread: keeps the decision (the oldest goes when the buffer is full) and offers it to
  // every follower whose filter matches.
  void publish(const ConnRecord& record);
  void publish(std::shared_ptr<const Decision> decision);

  // The buffered decisions that match, oldest first; with `limit`, only the last `limit` of them.
  std::vector<std::shared_ptr<const Decision>> snapshot(const DecisionFilter& filter,
                                                        std::optional<std::size_t> limit) const;

  // The buffered decisions (as snapshot) and a follower that hears every later one: taken under
  // one lock, so none is missed or repeated in between. The follower stops hearing once the
  // returned pointer is released.
  struct Subscription {
    std::vector<std::shared_ptr<const Decision>> backlog;
    std::shared_ptr<DecisionFollower> follower;
  };
  Subscription follow(const DecisionFilter& filter, std::optional<std::size_t> limit,
                      std::function<void()> wake);

  // Drain: every follower (present and future) is told the stream ended.
  void close();

 private:
  std::vector<std::shared_ptr<const Decision>> matching(const DecisionFilter& filter,
                                                        std::optional<std::size_t> limit) const;

  const std::size_t follower_queue_;
  mutable std::mutex mutex_;
  boost::circular_buffer<std::shared_ptr<const Decision>> buffer_;
  std::vector<std::weak_ptr<DecisionFollower>> followers_;
  bool closed_ = false;
};

}  // namespace gatehouse::proxy

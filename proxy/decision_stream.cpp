#include "proxy/decision_stream.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <iterator>

namespace gatehouse::proxy {

std::string rfc3339_utc_ms(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto ms = time_point_cast<milliseconds>(time);
  auto seconds = duration_cast<std::chrono::seconds>(ms.time_since_epoch());
  auto millis = (ms.time_since_epoch() - seconds).count();
  if (millis < 0) {  // before 1970: keep the fraction positive
    seconds -= std::chrono::seconds{1};
    millis += 1000;
  }
  const std::time_t t = seconds.count();
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::array<char, 40> out{};
  const int n = std::snprintf(out.data(), out.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                              utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return {out.data(), static_cast<std::size_t>(std::max(n, 0))};
}

Decision make_decision(const ConnRecord& record, std::chrono::system_clock::time_point time) {
  Decision d;
  d.outcome = record.outcome;
  d.direction = record.direction;
  d.src_service = record.src_service;
  d.dst_service = record.dst_service;
  d.json = "{\"time\":\"" + rfc3339_utc_ms(time) + "\"," + conn_fields(record).json_members() + "}";
  return d;
}

bool DecisionFilter::matches(const Decision& decision) const {
  if (!outcomes.empty() && std::ranges::find(outcomes, decision.outcome) == outcomes.end()) {
    return false;
  }
  if (!src_service.empty() && decision.src_service != src_service) return false;
  if (!dst_service.empty() && decision.dst_service != dst_service) return false;
  return !direction || decision.direction == *direction;
}

DecisionFollower::DecisionFollower(DecisionFilter filter, std::size_t queue_limit,
                                   std::function<void()> wake)
    : filter_(std::move(filter)), queue_limit_(queue_limit), wake_(std::move(wake)) {}

DecisionFollower::Batch DecisionFollower::take() {
  Batch batch;
  const std::lock_guard lock{mutex_};
  batch.decisions.assign(std::make_move_iterator(queue_.begin()),
                         std::make_move_iterator(queue_.end()));
  queue_.clear();
  batch.dropped = std::exchange(dropped_, 0);
  batch.closed = closed_;
  woken_ = false;
  return batch;
}

void DecisionFollower::offer(const std::shared_ptr<const Decision>& decision) {
  if (!filter_.matches(*decision)) return;
  bool wake = false;
  {
    const std::lock_guard lock{mutex_};
    if (closed_) return;
    // Once something was dropped, later decisions wait too: the reader must see the gap where
    // it happened, not after newer lines.
    if (queue_.size() >= queue_limit_ || dropped_ > 0) {
      ++dropped_;
    } else {
      queue_.push_back(decision);
    }
    wake = !std::exchange(woken_, true);
  }
  if (wake && wake_) wake_();
}

void DecisionFollower::close() {
  {
    const std::lock_guard lock{mutex_};
    closed_ = true;
    woken_ = true;
  }
  if (wake_) wake_();
}

DecisionStream::DecisionStream(std::size_t capacity, std::size_t follower_queue)
    : follower_queue_(follower_queue), buffer_(capacity) {}

void DecisionStream::publish(const ConnRecord& record) {
  publish(
      std::make_shared<const Decision>(make_decision(record, std::chrono::system_clock::now())));
}

void DecisionStream::publish(std::shared_ptr<const Decision> decision) {
  const std::lock_guard lock{mutex_};
  std::erase_if(followers_, [&](const std::weak_ptr<DecisionFollower>& weak) {
    const auto follower = weak.lock();
    if (!follower) return true;
    follower->offer(decision);
    return false;
  });
  if (buffer_.capacity() > 0) buffer_.push_back(std::move(decision));
}

std::vector<std::shared_ptr<const Decision>> DecisionStream::matching(
    const DecisionFilter& filter, std::optional<std::size_t> limit) const {
  std::vector<std::shared_ptr<const Decision>> out;
  for (const auto& decision : buffer_) {
    if (filter.matches(*decision)) out.push_back(decision);
  }
  if (limit && out.size() > *limit) {
    out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(*limit));
  }
  return out;
}

std::vector<std::shared_ptr<const Decision>> DecisionStream::snapshot(
    const DecisionFilter& filter, std::optional<std::size_t> limit) const {
  const std::lock_guard lock{mutex_};
  return matching(filter, limit);
}

DecisionStream::Subscription DecisionStream::follow(const DecisionFilter& filter,
                                                    std::optional<std::size_t> limit,
                                                    std::function<void()> wake) {
  Subscription s;
  s.follower = std::make_shared<DecisionFollower>(filter, follower_queue_, std::move(wake));
  const std::lock_guard lock{mutex_};
  s.backlog = matching(filter, limit);
  if (closed_) {
    s.follower->close();
  } else {
    followers_.push_back(s.follower);
  }
  return s;
}

void DecisionStream::close() {
  const std::lock_guard lock{mutex_};
  closed_ = true;
  for (const auto& weak : followers_) {
    if (const auto follower = weak.lock()) follower->close();
  }
  followers_.clear();
}

}  // namespace gatehouse::proxy

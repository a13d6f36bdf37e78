#include "proxy/decision_stream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "proxy/decision_query.hpp"

namespace gatehouse::proxy {
namespace {

using std::chrono::system_clock;

ConnRecord record(std::uint64_t id, Outcome outcome, std::string src = "web",
                  std::string dst = "db") {
  ConnRecord r;
  r.conn_id = id;
  r.outcome = outcome;
  r.src_service = std::move(src);
  r.dst_service = std::move(dst);
  return r;
}

std::shared_ptr<const Decision> decision(std::uint64_t id, Outcome outcome, std::string src = "web",
                                         std::string dst = "db") {
  return std::make_shared<const Decision>(
      make_decision(record(id, outcome, std::move(src), std::move(dst)), system_clock::now()));
}

std::vector<std::uint64_t> ids(const std::vector<std::shared_ptr<const Decision>>& decisions) {
  std::vector<std::uint64_t> out;
  for (const auto& d : decisions) out.push_back(nlohmann::json::parse(d->json).at("conn"));
  return out;
}

TEST(Rfc3339, UtcWithMilliseconds) {
  const system_clock::time_point t{std::chrono::milliseconds{1'796'225'013'123}};
  EXPECT_EQ(rfc3339_utc_ms(t), "2026-12-02T15:23:33.123Z");
  EXPECT_EQ(rfc3339_utc_ms(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(MakeDecision, CarriesTheConnLineFieldsAndTheTime) {
  ConnRecord r = record(7, Outcome::denied);
  r.src = "spiffe://t.consul/ns/default/dc/dc1/svc/web";
  r.peer = "127.0.0.1:50312";
  r.serial = "3c:9a:11";
  r.reason = "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)";
  r.authz_ms = 2;
  r.dur_ms = 5;
  r.decision_source = DecisionSource::agent;
  r.intention = "default/web => default/db";
  const system_clock::time_point t{std::chrono::milliseconds{1'796'225'013'123}};
  const auto d = make_decision(r, t);
  EXPECT_EQ(d.outcome, Outcome::denied);
  EXPECT_EQ(d.src_service, "web");
  EXPECT_EQ(d.dst_service, "db");
  EXPECT_EQ(d.json.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(d.json);
  EXPECT_EQ(j.at("time"), "2026-12-02T15:23:33.123Z");
  EXPECT_EQ(j.at("outcome"), "denied");
  EXPECT_EQ(j.at("src"), r.src);
  EXPECT_EQ(j.at("src_service"), "web");
  EXPECT_EQ(j.at("dst_service"), "db");
  EXPECT_EQ(j.at("peer"), r.peer);
  EXPECT_EQ(j.at("serial"), r.serial);
  EXPECT_EQ(j.at("reason"), r.reason);
  EXPECT_EQ(j.at("authz_ms"), 2);
  EXPECT_EQ(j.at("bytes_in"), 0);
  EXPECT_EQ(j.at("bytes_out"), 0);
  EXPECT_EQ(j.at("dur_ms"), 5);
  EXPECT_EQ(j.at("decision_source"), "agent");
  EXPECT_EQ(j.at("intention"), "default/web => default/db");
  EXPECT_EQ(j.at("conn"), 7);
  // Exactly the log line's members, plus the time first.
  EXPECT_EQ(d.json,
            "{\"time\":\"2026-12-02T15:23:33.123Z\"," + conn_fields(r).json_members() + "}");
}

TEST(MakeDecision, OutboundCarriesTheOutboundFields) {
  ConnRecord r = record(3, Outcome::failed);
  r.direction = Direction::outbound;
  r.upstream = "db";
  r.instance = "127.0.0.1:21000";
  r.attempts = 2;
  const auto d = make_decision(r, system_clock::now());
  EXPECT_EQ(d.direction, Direction::outbound);
  const auto j = nlohmann::json::parse(d.json);
  EXPECT_EQ(j.at("direction"), "outbound");
  EXPECT_EQ(j.at("upstream"), "db");
  EXPECT_EQ(j.at("instance"), "127.0.0.1:21000");
  EXPECT_EQ(j.at("attempts"), 2);
}

TEST(DecisionStream, KeepsTheLastNOldestFirst) {
  DecisionStream stream{3};
  for (std::uint64_t i = 1; i <= 5; ++i) stream.publish(record(i, Outcome::accepted));
  EXPECT_EQ(ids(stream.snapshot({}, std::nullopt)), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(ids(stream.snapshot({}, 2)), (std::vector<std::uint64_t>{4, 5}));
  EXPECT_EQ(ids(stream.snapshot({}, 0)), std::vector<std::uint64_t>{});
  EXPECT_EQ(ids(stream.snapshot({}, 10)), (std::vector<std::uint64_t>{3, 4, 5}));
}

TEST(DecisionStream, LimitCountsAfterFiltering) {
  DecisionStream stream{10};
  stream.publish(record(1, Outcome::denied));
  stream.publish(record(2, Outcome::accepted));
  stream.publish(record(3, Outcome::denied));
  stream.publish(record(4, Outcome::accepted));
  DecisionFilter denied;
  denied.outcomes = {Outcome::denied};
  EXPECT_EQ(ids(stream.snapshot(denied, std::nullopt)), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(ids(stream.snapshot(denied, 1)), (std::vector<std::uint64_t>{3}));
}

TEST(DecisionFilter, EveryGivenFieldMustMatch) {
  const auto d = decision(1, Outcome::denied, "web", "db");
  DecisionFilter f;
  EXPECT_TRUE(f.matches(*d));
  f.outcomes = {Outcome::accepted, Outcome::denied};
  EXPECT_TRUE(f.matches(*d));
  f.outcomes = {Outcome::accepted};
  EXPECT_FALSE(f.matches(*d));
  f = {};
  f.src_service = "web";
  EXPECT_TRUE(f.matches(*d));
  f.src_service = "api";
  EXPECT_FALSE(f.matches(*d));
  f = {};
  f.dst_service = "db";
  f.direction = Direction::inbound;
  EXPECT_TRUE(f.matches(*d));
  f.direction = Direction::outbound;
  EXPECT_FALSE(f.matches(*d));
  f.direction.reset();
  f.dst_service = "cache";
  EXPECT_FALSE(f.matches(*d));
}

TEST(DecisionFollower, HearsOnlyMatchingDecisionsAfterTheBacklog) {
  DecisionStream stream{10};
  stream.publish(record(1, Outcome::denied));
  int wakes = 0;
  DecisionFilter denied;
  denied.outcomes = {Outcome::denied};
  auto sub = stream.follow(denied, std::nullopt, [&wakes] { ++wakes; });
  EXPECT_EQ(ids(sub.backlog), (std::vector<std::uint64_t>{1}));
  stream.publish(record(2, Outcome::accepted));
  EXPECT_EQ(wakes, 0);
  stream.publish(record(3, Outcome::denied));
  stream.publish(record(4, Outcome::denied));
  EXPECT_EQ(wakes, 1);  // one wake until the reader takes
  auto batch = sub.follower->take();
  EXPECT_EQ(ids(batch.decisions), (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(batch.dropped, 0U);
  EXPECT_FALSE(batch.closed);
  stream.publish(record(5, Outcome::denied));
  EXPECT_EQ(wakes, 2);
  EXPECT_EQ(ids(sub.follower->take().decisions), (std::vector<std::uint64_t>{5}));
}

TEST(DecisionFollower, AFullQueueDropsAndCountsUntilTheReaderCatchesUp) {
  DecisionStream stream{100, 2};
  auto sub = stream.follow({}, std::nullopt, [] {});
  for (std::uint64_t i = 1; i <= 5; ++i) stream.publish(record(i, Outcome::accepted));
  auto batch = sub.follower->take();
  EXPECT_EQ(ids(batch.decisions), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(batch.dropped, 3U);
  // Caught up: the next ones arrive again and the count starts over.
  stream.publish(record(6, Outcome::accepted));
  batch = sub.follower->take();
  EXPECT_EQ(ids(batch.decisions), (std::vector<std::uint64_t>{6}));
  EXPECT_EQ(batch.dropped, 0U);
  // The buffer itself lost nothing.
  EXPECT_EQ(stream.snapshot({}, std::nullopt).size(), 6U);
}

TEST(DecisionFollower, CloseEndsPresentAndFutureFollowers) {
  DecisionStream stream{10};
  int wakes = 0;
  auto sub = stream.follow({}, std::nullopt, [&wakes] { ++wakes; });
  stream.publish(record(1, Outcome::accepted));
  stream.close();
  auto batch = sub.follower->take();
  EXPECT_EQ(ids(batch.decisions), (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(batch.closed);
  EXPECT_EQ(wakes, 2);
  stream.publish(record(2, Outcome::accepted));
  EXPECT_TRUE(sub.follower->take().decisions.empty());
  auto late = stream.follow({}, std::nullopt, [] {});
  EXPECT_EQ(ids(late.backlog), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(late.follower->take().closed);
}

TEST(DecisionFollower, AReleasedFollowerIsForgotten) {
  DecisionStream stream{10};
  int wakes = 0;
  auto sub = stream.follow({}, std::nullopt, [&wakes] { ++wakes; });
  sub.follower.reset();
  stream.publish(record(1, Outcome::accepted));
  EXPECT_EQ(wakes, 0);
}

// Workers publish while a reader takes: nothing is lost or repeated (run under tsan for races).
TEST(DecisionFollower, ConcurrentPublishersAndOneReader) {
  constexpr int kThreads = 4;
  constexpr int kEach = 500;
  DecisionStream stream{kThreads * kEach, kThreads * kEach};
  auto sub = stream.follow({}, std::nullopt, [] {});
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&stream, t] {
      for (int i = 0; i < kEach; ++i) {
        stream.publish(record(static_cast<std::uint64_t>(t * kEach + i + 1), Outcome::accepted));
      }
    });
  }
  std::vector<std::uint64_t> seen;
  for (int rounds = 0; rounds < 1000 && seen.size() < kThreads * kEach; ++rounds) {
    const auto got = ids(sub.follower->take().decisions);
    seen.insert(seen.end(), got.begin(), got.end());
    std::this_thread::yield();
  }
  for (auto& w : workers) w.join();
  const auto rest = ids(sub.follower->take().decisions);
  seen.insert(seen.end(), rest.begin(), rest.end());
  std::ranges::sort(seen);
  ASSERT_EQ(seen.size(), std::size_t{kThreads * kEach});
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
}

TEST(DecisionQuery, FiltersLimitAndFollow) {
  const auto q = parse_decision_query(
      "outcome=denied,failed&outcome=revoked&src_service=web&dst_service=db%2Dv2"
      "&direction=outbound&limit=5&follow=1");
  ASSERT_TRUE(q) << q.error();
  EXPECT_EQ(q->filter.outcomes,
            (std::vector<Outcome>{Outcome::denied, Outcome::failed, Outcome::revoked}));
  EXPECT_EQ(q->filter.src_service, "web");
  EXPECT_EQ(q->filter.dst_service, "db-v2");
  EXPECT_EQ(q->filter.direction, Direction::outbound);
  EXPECT_EQ(q->limit, 5U);
  EXPECT_TRUE(q->follow);

  const auto empty = parse_decision_query("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->filter.outcomes.empty());
  EXPECT_FALSE(empty->limit);
  EXPECT_FALSE(empty->follow);
  EXPECT_EQ(parse_decision_query("outcome=denied&outcome=denied")->filter.outcomes.size(), 1U);
  EXPECT_EQ(parse_decision_query("outcome=audit_denied")->filter.outcomes,
            std::vector<Outcome>{Outcome::audit_denied});
  EXPECT_EQ(parse_decision_query("direction=inbound")->filter.direction, Direction::inbound);
  EXPECT_FALSE(parse_decision_query("follow=0")->follow);
  EXPECT_EQ(parse_decision_query("limit=0")->limit, 0U);
}

TEST(DecisionQuery, BadValuesHaveAOneLineReason) {
  const auto error = [](std::string_view q) {
    const auto r = parse_decision_query(q);
    return r ? std::string{"(accepted)"} : r.error();
  };
  EXPECT_EQ(error("outcome=nope"),
            "outcome: \"nope\" is not one of accepted, denied, failed, revoked, audit_denied");
  EXPECT_EQ(error("outcome=denied,"),
            "outcome: \"\" is not one of accepted, denied, failed, revoked, audit_denied");
  EXPECT_EQ(error("direction=sideways"), "direction: \"sideways\" is not inbound or outbound");
  EXPECT_EQ(error("limit=-1"), "limit: \"-1\" is not a non-negative integer");
  EXPECT_EQ(error("limit=5x"), "limit: \"5x\" is not a non-negative integer");
  EXPECT_EQ(error("limit="), "limit: \"\" is not a non-negative integer");
  EXPECT_EQ(error("limit=99999999999999999999999"),
            "limit: \"99999999999999999999999\" is not a non-negative integer");
  EXPECT_EQ(error("follow=yes"), "follow: \"yes\" is not 1, true, 0 or false");
  EXPECT_EQ(error("outcomes=denied"),
            "unknown query parameter \"outcomes\" (outcome, src_service, dst_service, direction, "
            "limit, follow)");
  EXPECT_EQ(error("src_service=%zz"), "bad percent-encoding in \"src_service=%zz\"");
  EXPECT_EQ(error("src_service=%4"), "bad percent-encoding in \"src_service=%4\"");
  // A decoded newline stays on the one line of the answer.
  EXPECT_EQ(error("direction=a%0Ab"), "direction: \"a\\x0ab\" is not inbound or outbound");
}

}  // namespace
}  // namespace gatehouse::proxy

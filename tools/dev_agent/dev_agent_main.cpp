#include "tools/dev_agent/dev_agent_main.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "tools/dev_agent/dev_agent.hpp"
#include "tools/dev_agent/http_server.hpp"
#include "tools/dev_agent/listen_address.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;

namespace {

void setup_logging(const DevAgentOptions& o) {
  auto logger = spdlog::stderr_logger_st("dev-agent");
  if (o.log_json) {
    logger->set_pattern(
        R"({"@timestamp":"%Y-%m-%dT%H:%M:%S.%fZ","@level":"%l","@module":"dev-agent","@message":"%v"})",
        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l component=dev-agent %v",
                        spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(o.log_level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace

int run_dev_agent(std::span<char* const> args) {
  auto options = parse_dev_agent_options(args);
  if (!options) {
    std::cerr << "gatehouse dev-agent: " << options.error() << "\n\n" << dev_agent_usage();
    return 1;
  }
  if (options->help) {
    std::cout << dev_agent_usage();
    return 0;
  }
  const auto endpoint = parse_listen_address(options->http_addr);
  if (!endpoint) {
    std::cerr << "gatehouse dev-agent: " << endpoint.error() << "\n";
    return 1;
  }
  setup_logging(*options);

  auto agent = DevAgent::create(*options);
  if (!agent) {
    SPDLOG_ERROR("event=start_failed error=\"{}\"", agent.error());
    return 1;
  }
  // Declared after the agent: destroyed first, so no handler outlives the state it points to.
  net::io_context ioc{1};
  auto server = HttpServer::listen(ioc.get_executor(), *endpoint,
                                   [&a = **agent](const Request& r) { return a.handle(r); });
  if (!server) {
    SPDLOG_ERROR("event=listen_failed error=\"{}\"", server.error());
    return 1;
  }
  // Signals are caught before the listening line goes out: whoever reads that line may send
  // SIGTERM right away.
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    SPDLOG_INFO("event=stopping signal={}", signo);
    (*server)->stop();
    (*agent)->shutdown();
  });
  const auto bound = (*server)->local_endpoint();
  std::printf("event=listening component=dev-agent addr=%s:%u\n",
              bound.address().to_string().c_str(), static_cast<unsigned>(bound.port()));
  std::fflush(stdout);

  (*server)->start();
  // Returns once the listener, every connection and every blocked query are done. A handler that
  // throws out of the event loop costs its own operation only; the loop resumes.
  for (;;) {
    try {
      ioc.run();
      break;
    } catch (const std::exception& e) {
      SPDLOG_WARN("event=unexpected_error where=event_loop error=\"{}\"", e.what());
    }
  }
  SPDLOG_INFO("event=stopped");
  return 0;
}

}  // namespace gatehouse::tools

#include "server/server.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "common/fs.h"
#include "common/log.h"
#include "common/version.h"

namespace orchd::server {

Server::Server(ServerOptions options, Clock& clock) : options_(std::move(options)), clock_(clock) {}

Server::~Server() { Stop(); }

Status Server::Start() {
  ORCHD_RETURN_IF_ERROR(MakeDirs(options_.data_dir, 0700));
  ORCHD_RETURN_IF_ERROR(MakeDirs(options_.data_dir + "/server", 0700));
  std::string db_dir = options_.db_path.substr(0, options_.db_path.find_last_of('/'));
  if (!db_dir.empty()) ORCHD_RETURN_IF_ERROR(MakeDirs(db_dir, 0700));

  store::StoreOptions so;
  so.path = options_.db_path;
  so.history_window = std::chrono::seconds(options_.history_window_seconds);
  store_ = std::make_unique<store::Store>(so, clock_);
  return store_->Start();
}

void Server::Stop() {
  if (store_) store_->Stop();
}

int RunServerCommand(std::span<const std::string> args) {
  bool help = false;
  std::string usage;
  auto options = ParseServerOptions(args, &help, &usage);
  if (!options) {
    std::fprintf(stderr, "orchd server: %s\n", options.error().message().c_str());
    return 2;
  }
  if (help) {
    std::fputs(usage.c_str(), stdout);
    return 0;
  }
  SetLogLevel(ParseLogLevel(options->log_level).value_or(LogLevel::kInfo));  // validated above

  // Block the stop signals in every thread (threads inherit the mask) and take them with
  // sigwait below, so no handler runs at an arbitrary point.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  RealClock clock;
  Server server(*options, clock);
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "orchd server: %s\n", s.message().c_str());
    return 1;
  }
  LOG_INFO("orchd server {} ready: data dir {}, store revision {}", Version().version,
           options->data_dir, server.store().CurrentRevision());

  int sig = 0;
  sigwait(&stop_signals, &sig);
  LOG_INFO("received {}, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();
  LOG_INFO("orchd server stopped");
  return 0;
}

}  // namespace orchd::server

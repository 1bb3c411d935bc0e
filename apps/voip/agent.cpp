#include "agent.hpp"

#include <voip/codec/registry.hpp>
#include <voip/rtp/session.hpp>
#include <voip/sip/dialog.hpp>

#include <asio/ip/udp.hpp>
#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <utility>

namespace voip::cli {

namespace {

using namespace std::chrono_literals;

constexpr auto shutdown_limit = 10s;

// The local address the OS would send from towards @p host (no packet is sent: a UDP
// connect() only picks the route). Empty when the host does not resolve.
std::string address_facing(asio::io_context& io, const std::string& host) {
    std::error_code ec;
    asio::ip::udp::resolver resolver(io);
    const auto results = resolver.resolve(host, "5060", ec);
    if (ec || results.empty()) return {};
    asio::ip::udp::socket socket(io);
    const auto remote = results.begin()->endpoint();
    socket.open(remote.protocol(), ec);
    if (!ec) socket.connect(remote, ec);
    if (ec) return {};
    const auto local = socket.local_endpoint(ec);
    if (ec || local.address().is_unspecified()) return {};
    return local.address().to_string();
}

// "host[:port]" (IPv6 in brackets) → endpoint, resolved now.
std::optional<asio::ip::udp::endpoint> resolve_host_port(asio::io_context& io,
                                                         const std::string& text) {
    std::string host = text;
    std::string port = "3478";  // RFC 5389 §9
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        host = text.substr(1, close - 1);
        if (close + 1 < text.size()) port = text.substr(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    std::error_code ec;
    asio::ip::udp::resolver resolver(io);
    const auto results = resolver.resolve(host, port, ec);
    if (ec || results.empty()) return std::nullopt;
    return results.begin()->endpoint();
}

std::string uri_host(const sip::Uri& uri) {
    std::string host(uri.host());
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    return host;
}

sip::UserAgentConfig make_ua_config(const Options& o) {
    sip::UserAgentConfig config;
    config.listen = o.listen;
    config.user_agent = "libvoip-cli/0.1";
    config.transport.tls.verify_peer = o.verify_tls;
    config.transport.tls.ca_file = o.ca_file;
    config.transport.tls.certificate_file = o.tls_certificate;
    config.transport.tls.private_key_file = o.tls_key;
    if (o.aor) {
        sip::AccountConfig account;
        account.aor = *o.aor;
        account.password = o.password;
        // --transport: reach the registrar over it unless the AOR names a transport itself.
        if (o.transport && o.aor->transport().empty()) {
            const auto port = o.aor->port();
            const auto registrar = fmt::format(
                "{}:{}{};transport={}", o.transport == sip::TransportKind::tls ? "sips" : "sip",
                o.aor->host(), port ? fmt::format(":{}", *port) : "", sip::to_string(*o.transport));
            if (auto uri = sip::Uri::parse(registrar)) account.registrar = std::move(uri).value();
        }
        config.account = std::move(account);
    }
    return config;
}

}  // namespace

Agent::Agent(asio::io_context& io, Options options, const Console& console)
    : io_(io),
      options_(std::move(options)),
      console_(console),
      signals_(io, SIGINT, SIGTERM),
      duration_timer_(io),
      shutdown_timer_(io),
      idle_timer_(io) {
    rtp::Multiplexer::Config media;
    media.first_port = options_.rtp_ports.first;
    media.last_port = options_.rtp_ports.last;
    mux_ = std::make_unique<rtp::Multiplexer>(io_, media);
    ua_ = std::make_unique<sip::UserAgent>(io_.get_executor(), make_ua_config(options_));
    for (const auto& address : ua_->local_addresses()) {
        console_.progress(fmt::format("listening on {}", address.to_string()));
    }
}

Agent::~Agent() {
    *alive_ = false;
}

audio::AudioConfig Agent::audio_config() const {
    audio::AudioConfig config;
    if (!options_.codecs.empty()) {
        const auto defaults = codec::Registry::with_defaults(config.opus);
        auto registry = std::make_shared<codec::Registry>();
        for (const auto& name : options_.codecs) {
            if (auto codec = defaults.find(name)) registry->add(std::move(codec));
        }
        config.registry = std::move(registry);
    }
    return config;
}

sip::Uri Agent::dial_target() const {
    const sip::Uri& target = *options_.dial;
    if (!options_.transport || *options_.transport == sip::TransportKind::udp ||
        !target.transport().empty()) {
        return target;
    }
    auto with = sip::Uri::parse(
        fmt::format("{};transport={}", target.to_string(), sip::to_string(*options_.transport)));
    return with ? std::move(with).value() : target;
}

void Agent::start(std::function<void()> ready) {
    signals_.async_wait([this, alive = alive_](std::error_code ec, int signal) {
        if (ec || !*alive) return;
        console_.progress(
            fmt::format("{}: hanging up and leaving", signal == SIGINT ? "Ctrl-C" : "SIGTERM"));
        shutdown(exit_code_);
        // A second signal means now.
        signals_.async_wait([this, alive](std::error_code again, int) {
            if (!again && *alive) {
                exit_code_ = 130;
                io_.stop();
            }
        });
    });
    if (options_.duration) {
        duration_timer_.expires_after(*options_.duration);
        duration_timer_.async_wait([this, alive = alive_](std::error_code ec) {
            if (ec || !*alive) return;
            console_.progress("--duration reached");
            shutdown(exit_code_);
        });
    }

    // SDP needs an address the far end can reach; a wildcard listener has none of its own.
    calls_.srtp = options_.srtp;
    calls_.media_address = options_.advertise;
    const auto first = ua_->local_addresses().front();
    if (calls_.media_address.empty() && first.address.is_unspecified()) {
        std::string peer;
        if (options_.dial) {
            peer = uri_host(*options_.dial);
        } else if (options_.aor) {
            peer = uri_host(*options_.aor);
        }
        if (!peer.empty()) calls_.media_address = address_facing(io_, peer);
        if (calls_.media_address.empty() && options_.stun_server.empty()) {
            console_.warn(
                "listening on a wildcard address: SDP carries the loopback address; use "
                "--advertise <IP> for calls from other hosts");
        }
    }

    discover_media_address([this, ready = std::move(ready)]() mutable {
        sip::enable_calls(*ua_, *mux_, calls_);
        if (options_.aor) {
            register_account(std::move(ready));
        } else {
            ready();
        }
    });
}

void Agent::discover_media_address(std::function<void()> ready) {
    if (options_.stun_server.empty()) {
        ready();
        return;
    }
    const auto server = resolve_host_port(io_, options_.stun_server);
    if (!server) {
        console_.error(fmt::format("STUN server {} does not resolve", options_.stun_server));
        shutdown(1);
        return;
    }
    console_.progress(fmt::format("asking {} for our public address", options_.stun_server));
    // A probe session on the call multiplexer: the mapping of one RTP socket tells the public
    // IP (RFC 5389 §7); each call's own port is then announced at that IP.
    auto probe = std::make_shared<rtp::Session>(*mux_);
    if (auto opened = probe->open(); !opened) {
        console_.error(fmt::format("STUN probe: {}", opened.error().message()));
        shutdown(1);
        return;
    }
    probe->async_discover_public_address(
        *server, [this, probe, ready = std::move(ready), alive = alive_](
                     std::error_code ec, const asio::ip::udp::endpoint& mapped) mutable {
            probe->stop();
            if (!*alive) return;
            if (ec) {
                console_.warn(fmt::format("STUN: {} (keeping the local address)", ec.message()));
            } else {
                console_.ok(fmt::format("public address {}", mapped.address().to_string()));
                if (options_.advertise.empty()) calls_.media_address = mapped.address().to_string();
            }
            ready();
        });
}

void Agent::register_account(std::function<void()> ready) {
    console_.progress(fmt::format("registering {}", options_.aor->to_string()));
    ua_->on_registration_state([this, alive = alive_](const sip::RegistrationStatus& status) {
        if (!*alive || shutting_down_) return;
        if (status.state == sip::RegistrationState::failed && registered_) {
            console_.warn(fmt::format("registration lost: {}", status.reason.message()));
        }
    });
    ua_->async_register([this, ready = std::move(ready), alive = alive_](std::error_code ec) {
        if (!*alive) return;
        if (ec) {
            console_.error(fmt::format("registration failed: {}", ec.message()));
            shutdown(1);
            return;
        }
        registered_ = true;
        console_.ok(fmt::format("registered as {}", options_.aor->to_string()));
        ready();
    });
}

void Agent::call_ended(bool success) {
    ++calls_ended_;
    if (!success && options_.dial) exit_code_ = 1;
    const bool enough =
        options_.dial ? calls_ended_ >= 1 : (options_.calls && calls_ended_ >= *options_.calls);
    if (enough && !shutting_down_) {
        // Not from inside the dialog's hook: the layer is still delivering it.
        asio::post(io_, [this, alive = alive_] {
            if (*alive) shutdown(exit_code_);
        });
    }
}

void Agent::shutdown(int exit_code) {
    if (exit_code != 0) exit_code_ = exit_code;
    if (shutting_down_) return;
    shutting_down_ = true;
    duration_timer_.cancel();
    shutdown_timer_.expires_after(shutdown_limit);
    shutdown_timer_.async_wait([this, alive = alive_](std::error_code ec) {
        if (ec || !*alive) return;
        console_.warn("shutdown took too long; leaving anyway");
        io_.stop();
    });

    // Hang up every call, then unregister: the registrar should not route new calls to us
    // while we are leaving, but the BYEs go first so the far ends hear it promptly.
    auto* handler = ua_->dialog_handler();
    auto* layer = dynamic_cast<sip::DialogLayer*>(handler);
    auto dialogs = layer ? layer->dialogs() : std::vector<std::shared_ptr<sip::Dialog>>{};
    auto pending = std::make_shared<std::size_t>(dialogs.size() + 1);
    auto one_done = [this, pending, alive = alive_] {
        if (!*alive) return;
        if (--*pending == 0) finish_shutdown();
    };
    for (const auto& dialog : dialogs) {
        if (dialog->state() == sip::DialogState::terminated) {
            one_done();
            continue;
        }
        dialog->async_bye([one_done](std::error_code) { one_done(); });
    }
    one_done();
}

void Agent::finish_shutdown() {
    if (registered_) {
        console_.progress(fmt::format("unregistering {}", options_.aor->to_string()));
        ua_->async_unregister([this, alive = alive_](std::error_code ec) {
            if (!*alive) return;
            if (ec) console_.warn(fmt::format("unregister: {}", ec.message()));
            registered_ = false;
            stop_when_idle();
        });
        return;
    }
    stop_when_idle();
}

void Agent::stop_when_idle() {
    if (!busy_ || !busy_()) {
        io_.stop();
        return;
    }
    // Bounded by shutdown_timer_, which stops the loop whatever is left.
    idle_timer_.expires_after(100ms);
    idle_timer_.async_wait([this, alive = alive_](std::error_code ec) {
        if (!ec && *alive) stop_when_idle();
    });
}

}  // namespace voip::cli

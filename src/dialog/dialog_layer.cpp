// The dialog layer: the table of a UserAgent's dialogs and its DialogHandler.

#include <voip/log.hpp>
#include <voip/sip/uas_policy.hpp>

#include <asio/io_context.hpp>

#include <stdexcept>

#include "dialog/dialog_impl.hpp"

namespace voip::sip {
namespace {

constexpr std::string_view component = "sip.dialog";

}  // namespace

DialogLayer::DialogLayer(UserAgent& ua, asio::io_context& io, CallConfig config)
    : ua_(&ua),
      config_(std::move(config)),
      owned_mux_(std::make_unique<rtp::Multiplexer>(io, config_.media)),
      mux_(owned_mux_.get()) {}

DialogLayer::DialogLayer(UserAgent& ua, rtp::Multiplexer& shared_mux, CallConfig config)
    : ua_(&ua), config_(std::move(config)), mux_(&shared_mux) {}

DialogLayer::~DialogLayer() {
    try {
        shutdown();
    } catch (const std::exception& e) {  // a destructor must not throw
        log::error(component, "shutdown: {}", e.what());
    }
}

void DialogLayer::shutdown() {
    shutting_down_ = true;
    auto all = std::exchange(dialogs_, {});
    for (auto& [key, dialog] : all)
        dialog->impl_->detach();
}

std::vector<std::shared_ptr<Dialog>> DialogLayer::dialogs() const {
    std::vector<std::shared_ptr<Dialog>> out;
    out.reserve(dialogs_.size());
    for (const auto& [key, dialog] : dialogs_)
        out.push_back(dialog);
    return out;
}

std::string DialogLayer::media_address(TransportKind kind) const {
    if (!config_.media_address.empty()) return config_.media_address;
    for (const auto& local : ua_->local_addresses()) {
        if (local.kind != kind) continue;
        if (local.address.is_unspecified()) return local.address.is_v6() ? "::1" : "127.0.0.1";
        return local.address.to_string();
    }
    return "127.0.0.1";
}

std::string DialogLayer::key(std::string_view call_id, std::string_view local_tag) {
    std::string k;
    k.reserve(call_id.size() + local_tag.size() + 1);
    k.append(call_id).push_back('\n');
    k.append(local_tag);
    return k;
}

void DialogLayer::add(const std::shared_ptr<Dialog>& dialog) {
    dialogs_[key(dialog->call_id(), dialog->local_tag())] = dialog;
}

void DialogLayer::remove(const Dialog& dialog) {
    auto it = dialogs_.find(key(dialog.call_id(), dialog.local_tag()));
    if (it != dialogs_.end() && it->second.get() == &dialog) dialogs_.erase(it);
}

std::shared_ptr<Dialog> DialogLayer::find(std::string_view call_id,
                                          std::string_view local_tag) const {
    auto it = dialogs_.find(key(call_id, local_tag));
    return it == dialogs_.end() ? nullptr : it->second;
}

void DialogLayer::install_info_route() {
    // INFO (RFC 6086) is not among the UA's default methods: route it to the dialogs.
    ua_->on_request("INFO", [weak = weak_from_this()](const IncomingRequest& in) {
        auto layer = weak.lock();
        if (layer && !in.request.to_tag().empty() && layer->on_dialog_request(in)) return;
        if (in.transaction) (void)in.transaction->respond(481, {}, make_tag());
    });
}

void DialogLayer::on_invite(const IncomingRequest& in) {
    ServerTransaction& tx = *in.transaction;
    if (shutting_down_) {
        (void)tx.respond(503, {}, make_tag());
        return;
    }
    if (dialogs_.size() >= config_.max_dialogs) {
        // Overload: 503 with Retry-After (RFC 3261 §21.5.4).
        Response busy = Response::make_for(tx.request(), 503, {}, make_tag());
        busy.add_header(HeaderId::retry_after, std::to_string(config_.retry_after_seconds));
        (void)tx.respond(std::move(busy));
        return;
    }
    std::shared_ptr<Dialog> dialog =
        incoming_ ? incoming_(context()) : std::make_shared<Dialog>(context());
    if (!dialog) {
        (void)tx.respond(480, {}, make_tag());
        return;
    }
    if (!dialog->impl_->begin_uas(in)) return;
    add(dialog);
    dialog->on_invite(in.request);
}

bool DialogLayer::on_dialog_request(const IncomingRequest& in) {
    auto dialog = find(in.request.call_id(), in.request.to_tag());
    if (!dialog) return false;
    return dialog->impl_->receive_request(in);
}

void DialogLayer::on_cancelled(const std::shared_ptr<ServerTransaction>& invite) {
    for (const auto& [key, dialog] : dialogs_) {
        if (dialog->impl_->invite_tx == invite) {
            auto keep = dialog;
            keep->impl_->on_cancelled();
            return;
        }
    }
}

void DialogLayer::on_stray_response(const Response& response, const TransportAddress& /*from*/) {
    // A 2xx to our INVITE after its transaction ended (Timer M): re-ACK, or end a late fork.
    const int status = response.status_code();
    auto cseq = response.cseq();
    if (status < 200 || status >= 300 || !cseq || cseq->method != "INVITE") return;
    if (auto dialog = find(response.call_id(), response.from_tag()); dialog && !dialog->is_uas())
        dialog->impl_->on_extra_2xx(response);
}

DialogLayer& enable_calls(UserAgent& ua, asio::io_context& io, CallConfig config) {
    if (auto* installed = dynamic_cast<DialogLayer*>(ua.dialog_handler())) return *installed;
    auto layer = std::make_shared<DialogLayer>(ua, io, std::move(config));
    layer->install_info_route();
    ua.set_dialog_handler(layer);
    return *layer;
}

DialogLayer& enable_calls(UserAgent& ua, rtp::Multiplexer& shared_mux, CallConfig config) {
    if (auto* installed = dynamic_cast<DialogLayer*>(ua.dialog_handler())) return *installed;
    auto layer = std::make_shared<DialogLayer>(ua, shared_mux, std::move(config));
    layer->install_info_route();
    ua.set_dialog_handler(layer);
    return *layer;
}

DialogLayer& dialog_layer(UserAgent& ua) {
    if (auto* installed = dynamic_cast<DialogLayer*>(ua.dialog_handler())) return *installed;
    const auto* executor = ua.executor().target<asio::io_context::executor_type>();
    if (executor == nullptr) {
        throw std::logic_error(
            "sip::dialog_layer: the UserAgent's executor is not an io_context's");
    }
    return enable_calls(ua, executor->context());
}

}  // namespace voip::sip

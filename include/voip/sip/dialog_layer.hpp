#pragma once
/// @file
/// The dialog layer of one UserAgent (issue 6): installed as its DialogHandler, it owns the
/// live dialogs, matches requests and ACKs to them (RFC 3261 §12.2.2), makes a Dialog for each
/// inbound INVITE, refuses what no dialog takes (481, 503 beyond CallConfig::max_dialogs), and
/// holds the RTP multiplexer the dialogs' media sessions use.
///
/// Applications use enable_calls() (dialog.hpp) to install it, UserAgent::on_incoming<D>() and
/// UserAgent::make_dialog<D>() to get dialogs.

#include <voip/rtp/multiplexer.hpp>
#include <voip/sip/call_config.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/io_context.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace voip::sip {

class Dialog;
class DialogLayer;

/// The opaque handle a Dialog is constructed from (the layer passes it; subclasses write
/// `using Dialog::Dialog;` and forward it).
class DialogContext {
public:
    [[nodiscard]] DialogLayer& layer() const noexcept { return *layer_; }

private:
    friend class DialogLayer;
    explicit DialogContext(DialogLayer& layer) noexcept : layer_(&layer) {}
    DialogLayer* layer_;
};

/// The dialogs of one UserAgent. Everything runs on the UA's executor.
class DialogLayer : public DialogHandler, public std::enable_shared_from_this<DialogLayer> {
public:
    /// Makes a dialog for an inbound INVITE.
    using Factory = std::function<std::shared_ptr<Dialog>(DialogContext)>;

    /// A layer with its own multiplexer on @p io (config.media).
    DialogLayer(UserAgent& ua, asio::io_context& io, CallConfig config);
    /// A layer using @p shared_mux (must outlive the layer).
    DialogLayer(UserAgent& ua, rtp::Multiplexer& shared_mux, CallConfig config);
    /// Ends every dialog (EndReason::shutdown is NOT reported: no hook runs from here on),
    /// stops their media, sends a best-effort BYE for confirmed ones, completes pending
    /// operations with asio::error::operation_aborted.
    ~DialogLayer() override;
    DialogLayer(const DialogLayer&) = delete;
    DialogLayer& operator=(const DialogLayer&) = delete;
    DialogLayer(DialogLayer&&) = delete;
    DialogLayer& operator=(DialogLayer&&) = delete;

    /// The class made for each inbound INVITE (default: a plain Dialog, which rejects 486).
    void set_incoming(Factory factory) { incoming_ = std::move(factory); }
    /// The handle to construct an outbound dialog with (UserAgent::make_dialog does this).
    [[nodiscard]] DialogContext context() noexcept { return DialogContext(*this); }

    /// Live dialogs (inbound ones from their INVITE, outbound ones from async_dial until
    /// on_terminated has returned).
    [[nodiscard]] std::vector<std::shared_ptr<Dialog>> dialogs() const;
    [[nodiscard]] std::size_t count() const noexcept { return dialogs_.size(); }
    [[nodiscard]] std::size_t active_dialogs() const noexcept override { return count(); }
    [[nodiscard]] const CallConfig& config() const noexcept { return config_; }
    [[nodiscard]] rtp::Multiplexer& multiplexer() noexcept { return *mux_; }
    [[nodiscard]] UserAgent& user_agent() const noexcept { return *ua_; }
    /// The address our SDP carries (CallConfig::media_address or derived from the listen
    /// address of @p kind).
    [[nodiscard]] std::string media_address(TransportKind kind) const;

    /// Ends every dialog now, as the destructor does.
    void shutdown();

    // ---- DialogHandler (called by the UserAgent) ----
    void on_invite(const IncomingRequest& in) override;
    bool on_dialog_request(const IncomingRequest& in) override;
    void on_cancelled(const std::shared_ptr<ServerTransaction>& invite) override;
    void on_stray_response(const Response& response, const TransportAddress& from) override;

    /// Routes INFO requests (not among the UA's default methods) to the dialogs; enable_calls
    /// does this once the layer is owned by a shared_ptr.
    void install_info_route();

private:
    friend class Dialog;

    // Dialog bookkeeping: the key is Call-ID + local tag (RFC 3261 §12: our side of the id).
    void add(const std::shared_ptr<Dialog>& dialog);
    void remove(const Dialog& dialog);
    [[nodiscard]] std::shared_ptr<Dialog> find(std::string_view call_id,
                                               std::string_view local_tag) const;
    [[nodiscard]] static std::string key(std::string_view call_id, std::string_view local_tag);

    UserAgent* ua_;
    CallConfig config_;
    std::unique_ptr<rtp::Multiplexer> owned_mux_;
    rtp::Multiplexer* mux_;
    Factory incoming_;
    std::map<std::string, std::shared_ptr<Dialog>, std::less<>> dialogs_;
    bool shutting_down_ = false;
};

}  // namespace voip::sip

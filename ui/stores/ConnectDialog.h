#pragma once

#include "shell/Settings.h"
#include "store/StoreUrl.h"

#include <QDialog>
#include <QFutureWatcher>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace herald {

// File ▸ Open store…: a SQLite file, or a PostgreSQL / MySQL server through a saved profile (DESIGN §8).
// Profiles live in Settings; a password the operator asks to remember goes to the system keychain
// (SecretResolver::storeInKeychain) and is read back from there when the profile is opened without one
// typed. Keychain work runs off the GUI thread; the dialog stays responsive and closes (accepted) only
// once the URL is complete. Every field error is shown under the form and focuses its field.
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Page { File, Server };

    ConnectDialog(Settings *settings, QWidget *parent = nullptr);
    ~ConnectDialog() override;

    void setPage(Page page);
    void setFilePath(const QString &path);
    void setReadOnly(bool readOnly);
    // Shows the profile of that name (as saved) on the server page.
    void selectProfile(const QString &name);
    void showError(const QString &message);

    // After acceptance: what to open. The URL carries the password; show it with display().
    StoreUrl url() const { return m_url; }
    bool readOnly() const;
    QString profileName() const { return m_profileName; }
    QString errorText() const;

    void accept() override;

    // The fields, for tests.
    QLineEdit *pathField() const { return m_path; }
    QLineEdit *profileNameField() const { return m_name; }
    QComboBox *kindField() const { return m_kind; }
    QLineEdit *hostField() const { return m_host; }
    QSpinBox *portField() const { return m_port; }
    QLineEdit *databaseField() const { return m_database; }
    QLineEdit *userField() const { return m_user; }
    QLineEdit *passwordField() const { return m_password; }
    QCheckBox *rememberPasswordField() const { return m_remember; }
    QComboBox *profilesField() const { return m_profiles; }

private:
    void browse();
    void profileChosen(int index);
    void deleteProfile();
    StoreProfile typedProfile() const;
    void finishServer(const StoreProfile &profile, const QString &password);
    void setBusy(bool busy);

    Settings *m_settings;
    QTabWidget *m_tabs;
    QLineEdit *m_path;
    QComboBox *m_profiles;
    QPushButton *m_deleteProfile;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_database;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QCheckBox *m_remember;
    QCheckBox *m_readOnly;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QFutureWatcher<Result<QString>> m_keychain;
    StoreUrl m_url;
    QString m_profileName;
};

} // namespace herald

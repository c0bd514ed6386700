# Shared paths of the setup, test and demo commands (sourced, not run).
ACC_HOME=${ACC_HOME:-"$HOME/.local/share/account_credit_collection"}
ACC_VENV=${ACC_VENV:-"$ACC_HOME/venv"}
ODOO_DIR="$ACC_HOME/odoo"
ODOO_PY="$ACC_VENV/bin/python"
MODULE=account_credit_collection

require_setup() {
    if [ ! -x "$ODOO_PY" ] || [ ! -f "$ODOO_DIR/odoo-bin" ]; then
        echo "Odoo is not installed in $ACC_HOME: run scripts/setup first." >&2
        exit 2
    fi
}

# An addons folder in which the checkout is reachable as $MODULE, whatever the
# checkout folder is called (a copy: pytest-odoo derives module names from real paths).
make_addons_dir() {
    local src=$1 dest=$2
    mkdir -p "$dest/$MODULE"
    (cd "$src" && git ls-files -z --cached --others --exclude-standard 2>/dev/null \
        | xargs -0 -I{} cp --parents -- {} "$dest/$MODULE/" 2>/dev/null) \
        || cp -a "$src/." "$dest/$MODULE/"
    [ -f "$dest/$MODULE/__manifest__.py" ] || cp -a "$src/." "$dest/$MODULE/"
}

write_odoo_conf() {
    local conf=$1 addons=$2
    cat > "$conf" <<CONF
[options]
addons_path = $ODOO_DIR/addons,$ODOO_DIR/odoo/addons,$addons
db_host = ${PGHOST:-}
db_port = ${PGPORT:-5432}
db_user = ${PGUSER:-$(whoami)}
admin_passwd = admin
list_db = True
without_demo = False
log_level = warn
CONF
}

"""nianbao key init: make the office's signing key (outside the project) and its public key keys/<keyid>.pub"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("key", help="签名密钥 / the office's signing key")
    actions = p.add_subparsers(dest="action", required=True)
    init = actions.add_parser("init", help="生成私钥（项目外）与公钥 keys/<keyid>.pub / make the private key (outside "
                                           "the project, $NIANBAO_KEY or ~/.config/nianbao) and keys/<keyid>.pub")
    init.set_defaults(run=run)


def run(args) -> int:
    from .. import paths
    from ..provenance import signing

    private, public = signing.init_key(paths.project_dir())
    print(f"私钥 / private key: {private}（仅本人可读，勿提交 / readable by you only, never commit it）")
    print(f"公钥 / public key: {public}（请提交 / commit it: audit trusts keys/*.pub）")
    return 0

# bash completion for termauth: commands, their options, option values
# (flows, providers, stores) and profile names from the configuration file.
# Installed as share/bash-completion/completions/termauth.

_termauth_profiles()
{
	local config=${TERMAUTH_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/termauth/config}
	[ -r "$config" ] && sed -n 's/^[[:space:]]*\[profile \([A-Za-z0-9._-]*\)\].*/\1/p' "$config"
}

_termauth()
{
	local cur prev cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="login token status logout setup-token help"
	local common="-p --profile --store -v --verbose -h --help"

	case $prev in
	-p | --profile)
		COMPREPLY=($(compgen -W "$(_termauth_profiles)" -- "$cur"))
		return ;;
	--flow)
		COMPREPLY=($(compgen -W "auto browser device paste" -- "$cur"))
		return ;;
	--provider)
		COMPREPLY=($(compgen -W "github google microsoft gitlab" -- "$cur"))
		return ;;
	--store)
		COMPREPLY=($(compgen -W "auto keychain file" -- "$cur"))
		return ;;
	--issuer | --client-id | --scope | --port | --timeout | --tenant | --min-ttl | \
	--authorization-endpoint | --token-endpoint | --device-endpoint)
		return ;;
	esac

	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-p | --profile | --store) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	local login="--issuer --client-id --scope --flow --port --timeout --provider --tenant
		--authorization-endpoint --token-endpoint --device-endpoint --no-qr"
	case $cmd in
	'') COMPREPLY=($(compgen -W "$commands $common --version" -- "$cur")) ;;
	login | setup-token) COMPREPLY=($(compgen -W "$login $common" -- "$cur")) ;;
	token) COMPREPLY=($(compgen -W "--min-ttl --json --login $common" -- "$cur")) ;;
	status) COMPREPLY=($(compgen -W "--json $common" -- "$cur")) ;;
	logout) COMPREPLY=($(compgen -W "--all $common" -- "$cur")) ;;
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	esac
}
complete -F _termauth termauth

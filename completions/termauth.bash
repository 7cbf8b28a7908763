# bash completion for termauth: commands, their options, option values
# (flows, providers, stores, git-credential's operations, verify's JWKS
# files), profile names
# from the configuration file, and, after `termauth exec [OPTIONS] --`, the
# command to run and its own arguments.
# Installed as share/bash-completion/completions/termauth.

_termauth_profiles()
{
	local config=${TERMAUTH_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/termauth/config}
	[ -r "$config" ] && sed -n 's/^[[:space:]]*\[profile \([A-Za-z0-9._-]*\)\].*/\1/p' "$config"
}

_termauth()
{
	local cur prev cmd at i j
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	local commands="login token status logout setup-token exec exchange dpop-proof verify
		kube-credential git-credential setup-git docker-credential setup-docker ssh
		agent aws-credentials setup-aws help"
	local common="-p --profile --store -v --verbose -h --help"

	# The command, and where it is: the first word that is neither an
	# option nor the value of -p or --store.
	cmd= at=0
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-p | --profile | --store) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]} at=$i; break ;;
		esac
	done

	# exec: after "--", or after the first word that is not one of exec's
	# options, the words are the command's own.
	if [ "$cmd" = exec ]; then
		local run=
		for ((j = at + 1; j < COMP_CWORD; j++)); do
			case ${COMP_WORDS[j]} in
			--) run=$((j + 1)); break ;;
			-p | --profile | --store | --env | --keep-env | --min-ttl) ((j++)) ;;
			-*) ;;
			*) run=$j; break ;;
			esac
		done
		if [ -n "$run" ]; then
			if declare -F _command_offset >/dev/null; then
				_command_offset "$run" # bash-completion's: the command's own completion
			elif [ "$run" -eq "$COMP_CWORD" ]; then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return
		fi
	fi

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
		COMPREPLY=($(compgen -W "auto keychain keyring kernel file" -- "$cur"))
		return ;;
	--env)
		COMPREPLY=($(compgen -W "TERMAUTH_ACCESS_TOKEN" -- "$cur"))
		return ;;
	--keep-env)
		COMPREPLY=($(compgen -W "TERMAUTH_CREDENTIAL TERMAUTH_TOKEN" -- "$cur"))
		return ;;
	--token)
		COMPREPLY=($(compgen -W "access id" -- "$cur"))
		return ;;
	--host | --registry)
		COMPREPLY=($(compgen -A hostname -- "$cur"))
		return ;;
	--jwks | --token-file | --socket)
		# A JWKS file (an URL is typed), the file that holds a token, or
		# the broker's socket.
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--issuer | --client-id | --scope | --port | --timeout | --tenant | --min-ttl | \
	--authorization-endpoint | --token-endpoint | --device-endpoint | \
	--audience | --resource | --requested-token-type | --leeway | \
	--role-arn | --duration | --session-name | --endpoint | --aws-profile | \
	--dpop | --url | --method | --nonce)
		return ;;
	esac

	local login="--issuer --client-id --scope --resource --dpop --flow --port --timeout --provider --tenant
		--authorization-endpoint --token-endpoint --device-endpoint --no-qr"
	local exchange="--audience --resource --scope --requested-token-type --min-ttl --json"
	case $cmd in
	'') COMPREPLY=($(compgen -W "$commands $common --version" -- "$cur")) ;;
	login | setup-token) COMPREPLY=($(compgen -W "$login $common" -- "$cur")) ;;
	token) COMPREPLY=($(compgen -W "--min-ttl --resource --scope --json --header --json-headers
		--url --method --login $common" -- "$cur")) ;;
	dpop-proof) COMPREPLY=($(compgen -W "--url --method --resource --nonce $common" -- "$cur")) ;;
	status) COMPREPLY=($(compgen -W "--json $common" -- "$cur")) ;;
	logout) COMPREPLY=($(compgen -W "--all $common" -- "$cur")) ;;
	exec) COMPREPLY=($(compgen -W "--env --keep-env --min-ttl -- $common" -- "$cur")) ;;
	exchange) COMPREPLY=($(compgen -W "$exchange $common" -- "$cur")) ;;
	verify) COMPREPLY=($(compgen -W "--token-file --jwks --issuer --audience --leeway $common" -- "$cur")) ;;
	kube-credential) COMPREPLY=($(compgen -W "--min-ttl --token $common" -- "$cur")) ;;
	git-credential | docker-credential)
		# One operation; after it, nothing.
		for ((j = at + 1; j < COMP_CWORD; j++)); do
			case ${COMP_WORDS[j]} in
			-p | --profile | --store) ((j++)) ;;
			-*) ;;
			*) return ;;
			esac
		done
		local ops="get store erase"
		[[ $cmd == docker-credential ]] && ops="$ops list"
		COMPREPLY=($(compgen -W "$ops $common" -- "$cur")) ;;
	setup-git) COMPREPLY=($(compgen -W "--host $common" -- "$cur")) ;;
	setup-docker) COMPREPLY=($(compgen -W "--registry $common" -- "$cur")) ;;
	ssh)
		# termauth's options are long ones; the rest is ssh's, from a host on.
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--confirm --profile --store --verbose --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -A hostname -- "$cur"))
		fi ;;
	agent) COMPREPLY=($(compgen -W "--socket --confirm $common" -- "$cur")) ;;
	aws-credentials) COMPREPLY=($(compgen -W "--role-arn --duration --session-name --endpoint $common" -- "$cur")) ;;
	setup-aws) COMPREPLY=($(compgen -W "--role-arn --aws-profile $common" -- "$cur")) ;;
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	esac
}
complete -F _termauth termauth

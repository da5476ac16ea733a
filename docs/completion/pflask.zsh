#compdef pflask
# zsh completion for pflask(1). Installed as _pflask in a directory of $fpath.

# Pids of detached pflasks: each listens on the abstract socket @pflask/PID.
(( $+functions[_pflask_detached] )) ||
_pflask_detached() {
	local -a pids
	[[ -r /proc/net/unix ]] && pids=(${${(M)${(f)"$(</proc/net/unix)"}:#* @pflask/*}##* @pflask/})
	_wanted pids expl 'detached pflask' compadd -a pids
}

(( $+functions[_pflask_mount] )) ||
_pflask_mount() {
	if compset -P '(bind|bind-ro|overlay):*:*:'; then
		_directories
	elif compset -P '(bind|bind-ro|overlay|tmp):*:'; then
		_files
	elif compset -P '(bind|bind-ro|overlay|tmp):'; then
		_files
	else
		local -a types=(
			'bind:bind-mount a host path: bind\:HOST_PATH\:CONTAINER_PATH'
			'bind-ro:the same, read-only: bind-ro\:HOST_PATH\:CONTAINER_PATH'
			'overlay:stack a host directory on DEST: overlay\:ROOT_DIR\:DEST\:WORK_DIR'
			'tmp:a tmpfs: tmp\:DEST'
		)
		_describe -t mount-types 'mount type' types -S ':'
	fi
}

(( $+functions[_pflask_netif] )) ||
_pflask_netif() {
	local -a ifaces=(/sys/class/net/*(N:t))
	if compset -P '(macvlan|ipvlan):'; then
		compset -P '*:' && return 1    # the name inside: free text
		_wanted interfaces expl 'master interface' compadd -S ':' -a ifaces
	elif compset -P '*:'; then
		return 1                       # veth's names, or the name inside: free text
	else
		local -a types=(
			'macvlan:a macvlan on MASTER: macvlan\:MASTER\:NAME'
			'ipvlan:an ipvlan on MASTER: ipvlan\:MASTER\:NAME'
			'veth:a veth pair: veth\:OUTSIDE\:INSIDE'
		)
		_describe -t netif-types 'interface type' types -S ':'
		_wanted interfaces expl 'host interface to move in (DEV:NAME)' compadd -S ':' -a ifaces
	fi
}

(( $+functions[_pflask_cgroup] )) ||
_pflask_cgroup() {
	local -a ctl
	[[ -r /proc/cgroups ]] && ctl=(${${(M)${(f)"$(</proc/cgroups)"}:#*	1}%%	*})
	[[ -e /sys/fs/cgroup/cgroup.controllers || -d /sys/fs/cgroup/unified ]] && ctl+=(unified)
	_wanted controllers expl 'cgroup controller' compadd -a ctl
}

(( $+functions[_pflask_caps] )) ||
_pflask_caps() {
	local -a caps=(chown dac_override dac_read_search fowner fsetid kill setgid setuid
		setpcap linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock
		ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot
		sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write audit_control
		setfcap mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon
		bpf checkpoint_restore)
	compset -P '*,'
	_wanted capabilities expl 'capability (+add, -drop, all, -all)' \
		compadd -S ',' -r ', ' -- all -all +${^caps} -${^caps}
}

_pflask() {
	local curcontext=$curcontext state line ret=1
	typeset -A opt_args

	_arguments -s -S -C \
		'(-r --chroot)'{-r+,--chroot=}'[use DIR as the root directory]:root directory:_directories' \
		'(-c --chdir)'{-c+,--chdir=}'[start the command in DIR, inside the container]:directory:_directories' \
		'(-t --hostname)'{-t+,--hostname=}'[set the host name]:host name: ' \
		'*'{-m+,--mount=}'[add a mount point]:mount (TYPE\:...):_pflask_mount' \
		'*'{-n-,--netif=-}'[new network namespace; move or make an interface]::interface spec:_pflask_netif' \
		'(-u --user)'{-u+,--user=}'[run the command as NAME]:user:_users' \
		'*'{-e+,--user-map=}'[map ids (CONTAINER\:HOST\:COUNT)]:mapping (CONTAINER\:HOST\:COUNT): ' \
		'(-w --ephemeral)'{-w,--ephemeral}'[discard changes to / at exit (needs --chroot)]' \
		'*'{-g+,--cgroup=}'[run in a new cgroup of CONTROLLER]:controller:_pflask_cgroup' \
		'*'{-b+,--caps=}'[capabilities: all, -all, +name, -name]:capabilities:_pflask_caps' \
		'(-d --detach -a --attach)'{-d,--detach}'[run in the background; print the pid to attach to]' \
		'(- *)'{-a+,--attach=}'[attach to the detached pflask PID (^@ detaches)]:detached pflask:_pflask_detached' \
		'*'{-s+,--setenv=}'[set environment variables (NAME=VALUE,...)]:variables (NAME=VALUE,...): ' \
		'(-k --keepenv)'{-k,--keepenv}'[keep the environment with --chroot]' \
		'(-U --no-userns)'{-U,--no-userns}'[no user namespace]' \
		'(-M --no-mountns -r --chroot -m --mount)'{-M,--no-mountns}'[no mount namespace]' \
		'(-N --no-netns -n --netif)'{-N,--no-netns}'[no network namespace]' \
		'(-I --no-ipcns)'{-I,--no-ipcns}'[no IPC namespace]' \
		'(-H --no-utsns -t --hostname)'{-H,--no-utsns}'[no UTS namespace]' \
		'(-P --no-pidns)'{-P,--no-pidns}'[no PID namespace]' \
		'--emit-bundle=[write DIR/config.json and stop]:bundle directory:_directories' \
		'--name=[the container ID (default pflask-PID)]:container ID: ' \
		'(- *)'{-h,--help}'[print the options]' \
		'(- *)--version[print the version]' \
		'(-):command:_command_names -e' \
		'*::arguments:_normal' && ret=0
	return ret
}

_pflask "$@"

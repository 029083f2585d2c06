/* The default policy, compiled into the binary so `vigil` works with no -r. */
	.section .rodata
	.global vigil_default_policy
	.global vigil_default_policy_end
	.balign 16
vigil_default_policy:
	.incbin "policies/default.yaml"
vigil_default_policy_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
